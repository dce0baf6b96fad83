import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ancestors } from './ancestors';

describe('watchAncestors', () => {
  it('lists the processes that started this one, nearest first', () => {
    const chain = ancestors();
    expect(chain[0]).toBe(process.ppid);
    expect(chain).not.toContain(1);
  });

  it('tells a process its launcher died without passing a signal on', async () => {
    // sh stands for pnpm: it is killed alone, and its child is left running, orphaned.
    const dir = mkdtempSync(join(tmpdir(), 'ancestors-'));
    const child = join(dir, 'child.mts');
    writeFileSync(
      child,
      [
        `import { watchAncestors } from ${JSON.stringify(new URL('./ancestors.ts', import.meta.url).pathname)};`,
        'watchAncestors((pid) => { console.log("gone " + pid); process.exit(0); }, 50);',
        'console.log("watching");',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    // `; true` keeps sh as the child's parent instead of exec-ing it.
    const launcher = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${child}"; true`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    launcher.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await expect.poll(() => out, { timeout: 20_000 }).toContain('watching');
    launcher.kill('SIGKILL');
    await expect.poll(() => out, { timeout: 10_000 }).toContain(`gone ${launcher.pid}`);
    if (launcher.exitCode === null && launcher.signalCode === null) await once(launcher, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
