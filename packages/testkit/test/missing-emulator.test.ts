import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  acquireSharedEmulators,
  EmulatorNotInstalledError,
  JavaNotInstalledError,
  MissingPrerequisiteError,
  startEmulators,
} from '../src/index';
import { statePaths } from '../src/state-dir';
import { cleanEnv, tempDir } from './helpers';

const INSTALL =
  'install it with "gcloud components install pubsub-emulator cloud-firestore-emulator" ' +
  '(or the google-cloud-cli-pubsub-emulator / google-cloud-cli-firestore-emulator packages) ' +
  'and a Java 17+ runtime';

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  return error;
}

describe('missing emulator or Java', () => {
  it('names the emulator and what to install, in one line (sdkRoot option)', async () => {
    const error = await failure(startEmulators({ sdkRoot: '/nonexistent/sdk', env: cleanEnv() }));
    expect(error).toBeInstanceOf(EmulatorNotInstalledError);
    expect(error.message).toBe(
      `Pub/Sub emulator not found (looked in /nonexistent/sdk): ${INSTALL}`,
    );
    expect(error.message).not.toContain('\n');
    // The stack adds nothing to an install hint: reporters print just the line.
    expect(error.stack).toBe(`EmulatorNotInstalledError: ${error.message}`);
    // Only `name` is an own property: vitest prints own properties under the message.
    expect(
      Object.getOwnPropertyNames(error)
        .filter((key) => key !== 'stack')
        .sort(),
    ).toEqual(['message', 'name']);
    expect(error).toMatchObject({ emulator: 'pubsub', searched: '/nonexistent/sdk' });
  });

  it('reads CLOUDSDK_ROOT', async () => {
    const error = await failure(
      startEmulators({ env: cleanEnv({ CLOUDSDK_ROOT: '/nonexistent/env-sdk' }) }),
    );
    expect(error).toBeInstanceOf(EmulatorNotInstalledError);
    expect(error.message).toContain('(looked in /nonexistent/env-sdk)');
  });

  it('names a missing Java (java option and JAVA)', async () => {
    for (const [options, java] of [
      [{ java: '/nonexistent/bin/java', env: cleanEnv() }, '/nonexistent/bin/java'],
      [{ env: cleanEnv({ JAVA: '/nonexistent/env/java' }) }, '/nonexistent/env/java'],
      [{ env: cleanEnv({ JAVA_HOME: '/nonexistent/jdk' }) }, '/nonexistent/jdk/bin/java'],
      [{ env: cleanEnv({ PATH: '/nonexistent/bin' }) }, 'java on PATH'],
    ] as const) {
      const error = await failure(startEmulators(options));
      expect(error).toBeInstanceOf(JavaNotInstalledError);
      expect(error.message).toContain(`Java runtime not found ("${java}"`);
      expect(error.message).toContain('need a Java 17+ runtime; install one');
      expect(error.message).not.toContain('\n');
    }
  });

  it('fails the shared path the same way, before spawning any supervisor', async () => {
    const stateDir = tempDir('testkit-missing-');
    const error = await failure(
      acquireSharedEmulators({
        stateDir,
        sdkRoot: '/nonexistent/sdk',
        env: cleanEnv(),
        acquireTimeoutMs: 5_000,
      }),
    );
    expect(error).toBeInstanceOf(MissingPrerequisiteError);
    expect(error.message).toContain(INSTALL);
    expect(existsSync(statePaths(stateDir).log)).toBe(false);
  });

  it('makes the CLI print exactly that one line', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const tsx = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin', 'tsx');
    const result = spawnSync(
      tsx,
      [cli, 'emulators', '--pubsub-port', '1', '--firestore-port', '2'],
      {
        env: cleanEnv({ CLOUDSDK_ROOT: '/nonexistent/sdk' }),
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `Pub/Sub emulator not found (looked in /nonexistent/sdk): ${INSTALL}\n`,
    );
  });
});
