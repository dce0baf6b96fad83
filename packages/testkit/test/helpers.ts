import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { EmulatorCommands } from '../src/installation';

export const fakeEmulator = fileURLToPath(new URL('./fixtures/fake-emulator.mjs', import.meta.url));

const tempDirs: string[] = [];

// Per file, not per test: onTestFinished is ambiguous in concurrent tests, and a state directory
// deleted under a live supervisor makes it stop early.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the test file. */
export function tempDir(prefix = 'testkit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Fake emulators that record their starts in `record`; extra args apply to both. */
export function fakeCommands(record: string, extra: string[] = []): EmulatorCommands {
  const command = (name: string) => ({
    command: process.execPath,
    args: [
      fakeEmulator,
      '--host={host}',
      '--port={port}',
      `--name=${name}`,
      `--record=${record}`,
      ...extra,
    ],
  });
  return { pubsub: command('pubsub'), firestore: command('firestore') };
}

export interface RecordedStart {
  name: string;
  pid: number;
  childPid?: number;
}

export function recordedStarts(record: string): RecordedStart[] {
  let text = '';
  try {
    text = readFileSync(record, 'utf8');
  } catch {
    return [];
  }
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', pid = '', childPid = ''] = line.split(' ');
      return { name, pid: Number(pid), ...(childPid ? { childPid: Number(childPid) } : {}) };
    });
}

/** The pid of a process that has already exited (and been reaped). */
export function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  return result.pid as number;
}

/** An environment without emulator hosts, so nothing is reused behind the test's back. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PUBSUB_EMULATOR_HOST;
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.TESTKIT_STATE_DIR;
  return { ...env, ...extra };
}
