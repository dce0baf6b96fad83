import { describe, expect, it } from 'vitest';
import type { Replay } from '../routes/replay-schemas';
import { createProgressBar, progressLine } from './progress-bar';

const replay = (over: Partial<Replay> = {}): Replay =>
  ({
    id: 'rpl_1',
    status: 'running',
    status_reason: null,
    progress: 0.5,
    counts: {
      selected: 4,
      to_move: 4,
      moved: 2,
      failed: 0,
      skipped: 0,
      invalid: 0,
      already_applied: 0,
      conflicting: 0,
    },
    ...over,
  }) as Replay;

describe('progress bar', () => {
  it('draws moved of to-move, failures and the status', () => {
    expect(progressLine(replay())).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 2/4 moved, 0 failed, 0 skipped  running`,
    );
    expect(
      progressLine(replay({ status: 'failed', status_reason: 'publish_failed: x' })),
    ).toContain('failed (publish_failed: x)');
  });

  it('redraws in place on a terminal and prints changed lines elsewhere', () => {
    let tty = '';
    const bar = createProgressBar({
      write: (t) => {
        tty += t;
      },
      isTTY: true,
    });
    bar.update(replay());
    bar.update(replay());
    bar.done();
    expect(tty.startsWith('\r')).toBe(true);
    expect(tty.endsWith('\n')).toBe(true);
    let plain = '';
    const lines = createProgressBar({
      write: (t) => {
        plain += t;
      },
    });
    lines.update(replay());
    lines.update(replay());
    lines.update(
      replay({ progress: 1, counts: { ...replay().counts, moved: 4 }, status: 'completed' }),
    );
    expect(plain.trim().split('\n')).toHaveLength(2);
  });
});
