// Times the ledger check over 100,000 postings on the real emulator, beside a baseline measured in
// the same run: a bare full scan of the transactions collection that reads every document whole.
import { performance } from 'node:perf_hooks';
import type { Firestore } from '@google-cloud/firestore';
import {
  acquireSharedEmulators,
  figure,
  firestoreClient,
  recordBenchFigures,
  uniqueProjectId,
} from '@gpuaas/testkit';
import { checkLedger } from '../src/check/check-ledger';
import { ledgerCollections } from '../src/collections';
import { seedLedger } from './seed-ledger';

const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const PAGE_SIZE = process.env.BENCH_PAGE_SIZE ? Number(process.env.BENCH_PAGE_SIZE) : undefined;

async function bareScan(firestore: Firestore): Promise<number> {
  let count = 0;
  for await (const _doc of ledgerCollections(firestore).transactions.stream()) count += 1;
  return count;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  const firestore = firestoreClient(uniqueProjectId('ledger-bench'));
  try {
    const seeded = await time(() => seedLedger(firestore, POSTINGS / 2));
    console.log(
      `seeded ${seeded.value.toLocaleString('en-US')} postings in ${(seeded.ms / 1000).toFixed(1)} s (batched writes)`,
    );
    const baseline: number[] = [];
    const check: number[] = [];
    const runCheck = () =>
      checkLedger({ firestore, ...(PAGE_SIZE ? { pageSize: PAGE_SIZE } : {}) });
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so a warming emulator or a neighbour's load favours neither.
      const scanFirst = round % 2 === 0;
      let scan = scanFirst ? await time(() => bareScan(firestore)) : undefined;
      const checked = await time(runCheck);
      scan ??= await time(() => bareScan(firestore));
      baseline.push(scan.ms);
      check.push(checked.ms);
      const r = checked.value;
      if (!r.ok || r.postings !== seeded.value || scan.value !== r.transactions) {
        throw new Error(
          `bench: check reported ${JSON.stringify({ ...r, violations: r.violations.slice(0, 3) })}`,
        );
      }
      if (round === 0) {
        console.log(
          `check: ${r.transactions.toLocaleString('en-US')} transactions, ${r.postings.toLocaleString('en-US')} postings, ${r.balances.toLocaleString('en-US')} balances, ${r.reversals} reversals, ok`,
        );
      }
      console.log(
        `round ${round + 1}: bare scan ${Math.round(scan.ms)} ms (${scan.value} docs), check ${Math.round(checked.ms)} ms`,
      );
    }
    for (const [label, pick] of [
      ['median', median],
      ['best', (values: number[]) => Math.min(...values)],
    ] as const) {
      const b = pick(baseline);
      const c = pick(check);
      console.log(
        `${label} of ${ROUNDS}: ledger check ${Math.round(c)} ms (${Math.round((seeded.value / c) * 1000).toLocaleString('en-US')} postings/s) vs bare full scan ${Math.round(b)} ms: ratio ${(c / b).toFixed(2)}`,
      );
    }
    const checkMs = median(check);
    recordBenchFigures('ledger-check', [
      figure(
        `ledger check of ${seeded.value.toLocaleString('en-US')} postings (median)`,
        checkMs,
        'ms',
        { name: 'bare full scan of the same transactions, ms', value: median(baseline) },
        'lower',
      ),
    ]);
  } finally {
    await firestore.terminate();
    await emulators.stop();
  }
}

await main();
