import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figure, quantiles } from '../src/bench';
import {
  benchResults,
  benchTable,
  readBenchRecords,
  resetBenchRecords,
  writeBenchResults,
} from '../src/bench-report';

const record = (bench: string, value: number) => ({
  bench,
  measured_at: '2026-12-02T12:00:00.000Z',
  figures: [figure(`${bench} events/s`, value, '/s', { name: 'bare | push', value: 200 })],
});

describe('bench report', () => {
  it("gathers this run's records by bench name, and a reset forgets the last run's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    writeFileSync(join(dir, 'zeta.json'), JSON.stringify(record('zeta', 50)));
    writeFileSync(join(dir, 'alpha.json'), JSON.stringify(record('alpha', 300)));
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    expect(readBenchRecords(dir).map((r) => r.bench)).toEqual(['alpha', 'zeta']);
    resetBenchRecords(dir);
    expect(readBenchRecords(dir)).toEqual([]);
    expect(readBenchRecords(join(dir, 'missing'))).toEqual([]);
  });

  it('shows each figure with its baseline and ratio, one row per figure', () => {
    const table = benchTable([record('alpha', 300), record('zeta', 50)]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toBe('| bench | figure | value | baseline (same run) | ratio |');
    expect(table[2]).toBe(
      '| alpha | alpha events/s | 300 /s | bare \\| push: 200 /s | 1.50× (higher is better) |',
    );
    expect(table[3]).toContain('| 0.25× (higher is better) |');
  });

  it('writes bench-results.json with the machine it ran on', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench-results.json');
    const machine = { platform: 'linux', arch: 'x64', cpus: 2, node: 'v20' };
    writeBenchResults(path, benchResults([record('alpha', 300)], machine, new Date(0)));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      generated_at: '1970-01-01T00:00:00.000Z',
      machine,
      benches: [record('alpha', 300)],
    });
  });
});

describe('quantiles', () => {
  it('are nearest-rank: p99 of 100 values is the 99th, p50 of 4 the 2nd', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantiles(hundred)).toEqual({ p50: 50, p99: 99 });
    expect(quantiles([4, 1, 3, 2])).toEqual({ p50: 2, p99: 4 });
    expect(quantiles([7])).toEqual({ p50: 7, p99: 7 });
    expect(quantiles([])).toEqual({ p50: 0, p99: 0 });
  });
});
