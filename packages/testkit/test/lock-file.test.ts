import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLockOwner, releaseLock, tryAcquireLock } from '../src/lock-file';
import { deadPid, tempDir } from './helpers';

describe('supervisor lock', () => {
  it('lets exactly one of many concurrent takers win', async () => {
    const lock = join(tempDir(), 'supervisor.lock');
    const results = await Promise.all(Array.from({ length: 20 }, () => tryAcquireLock(lock)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets exactly one process win across processes', async () => {
    const lock = join(tempDir(), 'supervisor.lock');
    // Children race for the lock with the same code; each prints whether it won, then holds on until killed.
    const script = `
      const { tryAcquireLock } = await import(${JSON.stringify(new URL('../src/lock-file.ts', import.meta.url).href)});
      const won = await tryAcquireLock(${JSON.stringify(lock)});
      console.log(won ? 'won' : 'lost');
      setInterval(() => {}, 1000);
    `;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    try {
      const outcomes = await Promise.all(
        children.map(
          (child) =>
            new Promise<string>((resolve) => {
              let out = '';
              child.stdout?.on('data', (chunk: Buffer) => {
                out += chunk.toString();
                if (out.includes('\n')) resolve(out.trim());
              });
              child.once('exit', (code) => resolve(`exited ${code}`));
            }),
        ),
      );
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'lost')).toHaveLength(3);
    } finally {
      for (const child of children) child.kill();
    }
  });

  it('recovers a lock whose owner is dead, once, under concurrent takers', async () => {
    const lock = join(tempDir(), 'supervisor.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), nonce: 'stale' }));
    const results = await Promise.all(Array.from({ length: 20 }, () => tryAcquireLock(lock)));
    const winners = results.filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(await readLockOwner(lock)).toEqual(winners[0]);
  });

  it('recovers a lock with unreadable content', async () => {
    const lock = join(tempDir(), 'supervisor.lock');
    writeFileSync(lock, 'garbage');
    expect(await tryAcquireLock(lock)).toBeDefined();
  });

  it('is not taken from a live owner, and release leaves a successor alone', async () => {
    const lock = join(tempDir(), 'supervisor.lock');
    const mine = await tryAcquireLock(lock);
    expect(mine).toBeDefined();
    expect(await tryAcquireLock(lock)).toBeUndefined();
    await releaseLock(lock, mine as NonNullable<typeof mine>);
    const next = await tryAcquireLock(lock);
    expect(next).toBeDefined();
    // A late second release by the first owner must not drop the successor's lock.
    await releaseLock(lock, mine as NonNullable<typeof mine>);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual(next);
  });
});
