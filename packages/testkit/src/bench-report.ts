import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './bench';

/** What one bench left in `.bench/<bench>.json`. */
export interface BenchRecord {
  bench: string;
  measured_at: string;
  figures: BenchFigure[];
}

/** Every bench's figures of one `pnpm bench` run, as `bench-results.json` holds them. */
export interface BenchResults {
  generated_at: string;
  machine: { platform: string; arch: string; cpus: number; node: string };
  benches: BenchRecord[];
}

/** The figures the benches of this run left in `dir`, ordered by bench name. */
export function readBenchRecords(dir: string): BenchRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchRecord);
}

const shown = (value: number, unit: string): string => {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

/** The short table `pnpm bench` ends with: each figure beside its same-run baseline and ratio. */
export function benchTable(records: readonly BenchRecord[]): string {
  const rows = records.flatMap((record) =>
    record.figures.map((f) => [
      record.bench,
      f.name,
      shown(f.value, f.unit),
      `${f.baseline.name}: ${shown(f.baseline.value, f.unit)}`,
      `${f.ratio >= 0.1 ? f.ratio.toFixed(2) : f.ratio.toPrecision(2)}× (${f.better} is better)`,
    ]),
  );
  const header = ['bench', 'figure', 'value', 'baseline (same run)', 'ratio'];
  const cellOf = (cell: string) => cell.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.map(cellOf).join(' | ')} |`)
    .join('\n');
}

export function benchResults(
  records: BenchRecord[],
  machine: BenchResults['machine'],
  now = new Date(),
): BenchResults {
  return { generated_at: now.toISOString(), machine, benches: records };
}

/** Empties the figures directory before a run, so the report holds this run's figures only. */
export function resetBenchRecords(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

export function writeBenchResults(path: string, results: BenchResults): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
