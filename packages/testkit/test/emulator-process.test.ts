import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launchEmulator, PortTakenError } from '../src/emulator-process';
import { findFreePort } from '../src/free-port';
import { probeEmulator } from '../src/http-probe';
import { isListenerInGroup } from '../src/listener-owner';
import { isGroupAlive } from '../src/process-group';
import { waitFor } from '../src/wait-for';
import { fakeEmulator } from './helpers';

async function otherEmulator(port: number) {
  const child = spawn(process.execPath, [fakeEmulator, `--port=${port}`], {
    stdio: 'ignore',
    detached: true,
  });
  await waitFor(() => probeEmulator(`127.0.0.1:${port}`), { timeoutMs: 10_000 });
  return child;
}

const base = { host: '127.0.0.1', startTimeoutMs: 10_000, stopGraceMs: 1_000 } as const;

describe('launchEmulator and a taken port', () => {
  it('tells its own listener from another process on the port', async () => {
    const port = await findFreePort();
    const other = await otherEmulator(port);
    try {
      expect(isListenerInGroup(port, other.pid as number)).toBe(true);
      expect(isListenerInGroup(port, process.pid)).toBe(false);
    } finally {
      other.kill();
    }
  });

  it('does not take "Ok" from someone else for its own readiness', async () => {
    const port = await findFreePort();
    const other = await otherEmulator(port);
    try {
      // Alive but never listening: like a JVM whose bind failed and that hangs on.
      const error = await launchEmulator({
        ...base,
        name: 'pubsub',
        port,
        command: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortTakenError);
      expect((error as Error).message).toContain(`another process answers on 127.0.0.1:${port}`);
    } finally {
      other.kill();
    }
  });

  it('recognises a bind failure in the output of an emulator that hangs on', async () => {
    const port = await findFreePort();
    const error = await launchEmulator({
      ...base,
      name: 'firestore',
      port,
      command: {
        command: process.execPath,
        args: [
          '-e',
          'console.error("java.net.BindException: Address already in use"); setInterval(() => {}, 1000)',
        ],
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortTakenError);
    expect((error as Error).message).toContain(`port ${port} is taken`);
    expect((error as PortTakenError).output).toContain(
      'java.net.BindException: Address already in use',
    );
  });

  it('starts on the port when it is free and stops the whole group', async () => {
    const port = await findFreePort();
    const emulator = await launchEmulator({
      ...base,
      name: 'pubsub',
      port,
      command: {
        command: process.execPath,
        args: [fakeEmulator, '--port={port}', '--host={host}', '--child'],
      },
    });
    expect(isListenerInGroup(port, emulator.pid)).toBe(true);
    await emulator.stop();
    expect(isGroupAlive(emulator.pid)).toBe(false);
  });
});
