// The operator CLI against the running service's API: list, show, replay (dry run, then with
// its progress), replays, status, cancel, discard; and the script entry point itself.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli';
import type { DeadLetterSummary } from '../src/routes/schemas';
import { ReplayHarness } from './harness';
import { published, pushLetter } from './letters';

const FAILED = 'gpuaas.provisioning.failed';

describe('pnpm replay', () => {
  let h: ReplayHarness;
  let ids: string[];

  const cli = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli([...argv, '--url', h.replay.url], {
      env: {},
      stdout: {
        write: (text) => {
          out += text;
        },
      },
      stderr: {
        write: (text) => {
          err += text;
        },
      },
      pollMs: 100,
    });
    return { code, out, err };
  };

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-cli');
    await h.bus.createTopics(FAILED);
    for (let i = 0; i < 4; i++) {
      const letter = published(FAILED, { ...examples[FAILED], allocation_id: `alloc-cli-${i}` });
      await pushLetter(
        h,
        'notification-relay',
        FAILED,
        letter.data,
        letter.attributes,
        i < 3 ? 'handler_rejected' : 'payload_invalid',
      );
    }
    const page = await h.api<{ items: DeadLetterSummary[] }>('GET', '/v1/dead-letters');
    ids = page.body.items.map((i) => i.id);
  });
  afterAll(() => h.close());

  it('lists with filters and counts, and shows one entry', async () => {
    const listed = await cli(
      'list',
      '--consumer',
      'notification-relay',
      '--reason-code',
      'handler_rejected',
    );
    expect(listed.code).toBe(0);
    expect(listed.out.trim().split('\n')).toHaveLength(3);
    expect(listed.out).toContain('handler_rejected');
    const counts = await cli('list', '--counts');
    expect(counts.out).toMatch(/3\s+notification-relay\s+handler_rejected/);
    expect(counts.out).toMatch(/4\s+total/);
    const json = JSON.parse((await cli('list', '--json', '--limit', '2')).out);
    expect(json.items).toHaveLength(2);
    expect(json.next_cursor).toBeTypeOf('string');
    const shown = await cli('show', ids[0] as string);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`${FAILED}.notification-relay`);
    expect(shown.out).toContain('replaying this would be processed by the consumer');
  });

  it('dry-runs, then replays with a progress bar until completed', async () => {
    const dry = await cli(
      'replay',
      '--consumer',
      'notification-relay',
      '--reason-code',
      'handler_rejected',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: 3 of 3 would be republished');
    expect(dry.out).toContain('nothing was changed');
    const run = await cli(
      'replay',
      '--consumer',
      'notification-relay',
      '--reason-code',
      'handler_rejected',
      '--rate',
      '5',
      '--reason',
      'cli test',
    );
    expect(run.code).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toMatch(/^replay rpl_\S+: 3 to move at 5\/s$/);
    expect(lines.at(-1)).toMatch(/^\[#{30}\] 3\/3 moved, 0 failed, 0 skipped {2}completed$/);
    expect(lines.length).toBeGreaterThan(2);
    const replays = await cli('replays');
    expect(replays.out).toMatch(/completed\s+3\/3 moved {2}by local-operator/);
  });

  it('cancels, discards, and answers problems with a non-zero exit', async () => {
    const invalid =
      ids.length === 4
        ? (
            await h.api<{ items: DeadLetterSummary[] }>(
              'GET',
              '/v1/dead-letters?reason=payload_invalid',
            )
          ).body.items[0]?.id
        : undefined;
    const started = await cli(
      'replay',
      invalid as string,
      '--include-invalid',
      '--rate',
      '1',
      '--no-wait',
    );
    const replayId = /replay (rpl_\S+):/.exec(started.out)?.[1] as string;
    const cancelled = await cli('cancel', replayId);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toMatch(/: (cancelling|cancelled|completed)$/m);
    const status = await cli('status', replayId, '--wait');
    expect([0, 3]).toContain(status.code);
    const discarded = await cli(
      'discard',
      '--reason-code',
      'payload_invalid',
      '--reason',
      'bad producer build',
    );
    expect(discarded.out).toMatch(/^discarded [01]; /);
    expect((await cli('discard', invalid as string)).code).toBe(2);
    const missing = await cli('show', `dl_${'0'.repeat(32)}`);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('404 not_found');
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('runs as `pnpm replay` from the repository root, with its exit codes', async () => {
    const root = new URL('../../..', import.meta.url).pathname;
    const pnpm = (...argv: string[]) =>
      promisify(execFile)('pnpm', ['--silent', 'replay', ...argv], {
        cwd: root,
        env: { ...process.env, REPLAY_URL: h.replay.url },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code?: number; stdout?: string }) => ({
          code: error.code,
          stdout: error.stdout ?? '',
        }),
      );
    const counts = await pnpm('list', '--counts');
    expect(counts.code).toBe(0);
    expect(counts.stdout).toMatch(/total/);
    // A usage error is 2, as the README says, not pnpm's 1 for any failure.
    expect((await pnpm('frobnicate')).code).toBe(2);
  }, 60_000);

  it('stops quietly when its reader closes the pipe early', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('../src/cli/main.ts', import.meta.url).pathname, 'list'],
      { env: { ...process.env, REPLAY_URL: h.replay.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // The reader is gone before the first line is written (`pnpm replay list | head -0`).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);
});
