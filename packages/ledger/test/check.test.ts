import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FieldValue } from '@google-cloud/firestore';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger, type LedgerCheckReport, ledgerCheckRoute } from '../src/index';
import { rfc3339Of } from '../src/timestamps';
import { type Harness, startHarness, stripeCredit, usageCharge } from './harness';

const harnesses: Harness[] = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

/** A fresh ledger with credits, charges and a reversal, all posted through the API. */
async function seeded(): Promise<Harness> {
  const h = startHarness();
  harnesses.push(h);
  const post = (input: Parameters<typeof h.ledger.post>[1]) =>
    h.inTransaction((tx) => h.ledger.post(tx, input));
  await post(stripeCredit('u1', 'evt_1', 5_000_000));
  await post(stripeCredit('u2', 'evt_2', 3_000_000, 'EUR'));
  await post(usageCharge('u1', 'a1:t0', 1_000_000));
  await post(usageCharge('u1', 'a1:t1', 250_000));
  await post(usageCharge('u2', 'a2:t0', 400_000, 'EUR'));
  await h.inTransaction((tx) => h.ledger.reverse(tx, 'a1:t1', 'rev:a1:t1'));
  return h;
}

const codes = (report: LedgerCheckReport) => report.violations.map((v) => v.code).sort();

describe('checkLedger', () => {
  it('passes on a ledger written through the API and counts what it read', async () => {
    const h = await seeded();
    const report = await h.ledger.check();
    expect(report).toMatchObject({
      ok: true,
      transactions: 6,
      postings: 12,
      // customer_credit:u1, customer_credit:u2, revenue:gpu, stripe_clearing
      accounts: 4,
      // revenue:gpu and stripe_clearing in both currencies
      balances: 6,
      reversals: 1,
      violation_count: 0,
    });
  });

  it('finds a shard total changed behind the ledger', async () => {
    const h = await seeded();
    const shard = (await h.firestore.collection('ledger_balances').limit(1).get()).docs[0];
    await shard?.ref.update({ credit_micros: FieldValue.increment(1) });
    const report = await h.ledger.check();
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['balance_mismatch']);
    expect(report.violations[0]?.account).toBe(shard?.get('account'));
  });

  it('finds an edited transaction, and that its postings no longer match', async () => {
    const h = await seeded();
    const ref = h.firestore.collection('ledger_transactions').doc(encodeURIComponent('a1:t0'));
    const postings = (await ref.get()).get('postings') as Array<Record<string, unknown>>;
    await ref.update({ postings: postings.map((p) => ({ ...p, amount_micros: 1 })) });
    const report = await h.ledger.check();
    expect(codes(report)).toEqual([
      'balance_mismatch',
      'balance_mismatch',
      'fingerprint_mismatch',
      'transaction_edited',
    ]);
  });

  it('finds an unbalanced transaction written around the ledger', async () => {
    const h = await seeded();
    const input = usageCharge('u1', 'a1:t9', 10);
    const { transactionDocument } = await import('../src/transaction-document');
    const document = transactionDocument({
      ...input,
      postings: input.postings.map((p, i) => (i === 0 ? { ...p, amount_micros: 11 } : p)),
    });
    await h.firestore
      .collection('ledger_transactions')
      .doc(encodeURIComponent('a1:t9'))
      .create(document);
    const report = await h.ledger.check();
    expect(codes(report)).toContain('unbalanced');
  });

  it('finds a reversal whose claim is gone', async () => {
    const h = await seeded();
    await h.firestore.collection('ledger_reversals').doc(encodeURIComponent('a1:t1')).delete();
    expect(codes(await h.ledger.check())).toEqual(['reversal_claim_mismatch']);
  });

  it('stays consistent while postings land: every read is at one snapshot', async () => {
    const h = await seeded();
    const posts = Array.from({ length: 30 }, (_, i) =>
      h.inTransaction((tx) => h.ledger.post(tx, usageCharge(`p${i % 3}`, `live:${i}`, 1_000 + i))),
    );
    const checks = Array.from({ length: 4 }, () => h.ledger.check({ pageSize: 3 }));
    const reports = await Promise.all(checks);
    await Promise.all(posts);
    for (const report of reports) expect(report.violations).toEqual([]);
    expect((await h.ledger.check()).transactions).toBe(36);
  });

  it('checks the ledger as of a past snapshot when given its read time', async () => {
    const h = await seeded();
    const before = (await h.firestore.collection('ledger_transactions').select().get()).readTime;
    await h.inTransaction((tx) => h.ledger.post(tx, usageCharge('u1', 'later:t0', 5)));
    await h.firestore.collection('ledger_balances').doc('later|USD|0').set({ stray: true });
    const then = await h.ledger.check({ readTime: before });
    expect(then).toMatchObject({ ok: true, transactions: 6 });
    const now = await h.ledger.check();
    expect(now.transactions).toBe(7);
    expect(codes(now)).toEqual(['malformed_balance']);
  });

  it('pages through more documents than one page, streamed or at a given read time', async () => {
    const h = await seeded();
    const streamed = await checkLedger({ firestore: h.firestore, pageSize: 2 });
    expect(streamed).toMatchObject({ ok: true, transactions: 6, postings: 12, balances: 6 });
    const readTime = (await h.firestore.collection('ledger_balances').select().get()).readTime;
    const paged = await checkLedger({ firestore: h.firestore, pageSize: 2, readTime });
    expect(paged).toMatchObject({ ok: true, transactions: 6, postings: 12, balances: 6 });
    expect(paged.read_time).toBe(rfc3339Of(readTime));
  });

  it('passes an empty ledger', async () => {
    const h = startHarness();
    harnesses.push(h);
    expect(await h.ledger.check()).toMatchObject({ ok: true, transactions: 0, balances: 0 });
  });
});

describe('operator endpoint', () => {
  it('answers 200 with the report when the ledger holds, 409 when it does not', async () => {
    const h = await seeded();
    const app = new Hono().get('/ledger/check', ledgerCheckRoute({ firestore: h.firestore }));
    const ok = await app.request('/ledger/check');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, transactions: 6 });
    await h.firestore.collection('ledger_balances').doc('stray|USD|0').set({
      balance_key: 'stray|USD',
      account: 'stray',
      currency: 'USD',
      debit_micros: 5,
      credit_micros: 0,
      postings: 1,
    });
    const bad = await app.request('/ledger/check');
    expect(bad.status).toBe(409);
    const body = (await bad.json()) as LedgerCheckReport;
    expect(body.ok).toBe(false);
    expect(codes(body)).toEqual(['balance_mismatch']);
  });
});

describe('ledger check command', () => {
  const require = createRequire(import.meta.url);
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

  function run(
    args: string[],
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints the report and exits 0, then 1 once a balance is off', async () => {
    const h = await seeded();
    const projectId = h.projectId;
    const good = await run(['check', '--', '--project', projectId]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ledger check OK');
    expect(good.stdout).toContain('6 transactions, 12 postings');

    const shard = (await h.firestore.collection('ledger_balances').limit(1).get()).docs[0];
    await shard?.ref.update({ debit_micros: FieldValue.increment(3) });
    const bad = await run(['check', '--project', projectId, '--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as LedgerCheckReport;
    expect(codes(report)).toEqual(['balance_mismatch']);
  });

  it('exits 2 without a project', async () => {
    const { GOOGLE_CLOUD_PROJECT: _ignored, ...env } = process.env;
    const result = await run(['check'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--project is required');
  });
});
