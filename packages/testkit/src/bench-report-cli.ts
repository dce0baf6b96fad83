// `pnpm bench`'s two ends: `reset` before the benches run, then the report of what they measured:
// `bench-results.json` at the repository's root and a short table.
import { arch, availableParallelism, platform } from 'node:os';
import { join } from 'node:path';
import { benchRecordsDir, repoRoot } from './bench';
import {
  benchResults,
  benchTable,
  readBenchRecords,
  resetBenchRecords,
  writeBenchResults,
} from './bench-report';

const command = process.argv[2] ?? 'report';
const dir = benchRecordsDir();
if (command === 'reset') {
  resetBenchRecords(dir);
} else if (command === 'report') {
  const records = readBenchRecords(dir);
  if (records.length === 0) {
    console.error(`no bench figures in ${dir}: run the benches first`);
    process.exit(1);
  }
  const path = join(repoRoot(), 'bench-results.json');
  writeBenchResults(
    path,
    benchResults(records, {
      platform: platform(),
      arch: arch(),
      cpus: availableParallelism(),
      node: process.version,
    }),
  );
  console.log(`\n${benchTable(records)}\n\n${records.length} benches: ${path}`);
} else {
  console.error('usage: bench-report-cli.ts [reset | report]');
  process.exit(2);
}
