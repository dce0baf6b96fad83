import type { Replay } from '../routes/replay-schemas';

const WIDTH = 30;

/** One line of a replay's progress: `[#####.....] 12/40 moved, 0 failed, 2 skipped  running`. */
export function progressLine(replay: Replay): string {
  const filled = Math.round(replay.progress * WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  const { counts } = replay;
  const why = replay.status_reason ? ` (${replay.status_reason})` : '';
  return `[${bar}] ${counts.moved}/${counts.to_move} moved, ${counts.failed} failed, ${counts.skipped} skipped  ${replay.status}${why}`;
}

export interface ProgressOutput {
  write(text: string): void;
  isTTY?: boolean;
}

/** Redraws in place on a terminal; elsewhere prints a line whenever the figures change. */
export function createProgressBar(out: ProgressOutput) {
  let last = '';
  return {
    update(replay: Replay) {
      const line = progressLine(replay);
      if (line === last) return;
      last = line;
      out.write(out.isTTY ? `\r\u001b[2K${line}` : `${line}\n`);
    },
    done() {
      if (out.isTTY && last) out.write('\n');
    },
  };
}
