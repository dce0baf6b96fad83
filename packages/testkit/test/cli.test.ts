import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeEmulator } from '../src/http-probe';
import { cleanEnv } from './helpers';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('cli emulators', () => {
  it('reuses running emulators, prints the environment, and leaves them running on SIGTERM', async () => {
    const env = cleanEnv({
      PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    });
    const child = spawn(
      join(packageDir, 'node_modules', '.bin', 'tsx'),
      ['src/cli.ts', 'emulators'],
      {
        cwd: packageDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output; stderr: ${stderr}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(stdout).toBe(
        [
          `export PUBSUB_EMULATOR_HOST=${env.PUBSUB_EMULATOR_HOST}`,
          `export FIRESTORE_EMULATOR_HOST=${env.FIRESTORE_EMULATOR_HOST}`,
          `# Pub/Sub emulator already running on ${env.PUBSUB_EMULATOR_HOST} (reused, left running)`,
          `# Firestore emulator already running on ${env.FIRESTORE_EMULATOR_HOST} (reused, left running)`,
          '# Ctrl-C stops what was started here.',
          '',
        ].join('\n'),
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(await probeEmulator(env.PUBSUB_EMULATOR_HOST as string)).toBe(true);
    expect(await probeEmulator(env.FIRESTORE_EMULATOR_HOST as string)).toBe(true);
  });
});
