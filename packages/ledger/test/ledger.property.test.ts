import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLedger,
  type Ledger,
  LedgerError,
  type LedgerTransactionInput,
  mirrorPostings,
  type Posting,
} from '../src/index';
import { startHarness, stripeCredit, usageCharge } from './harness';

const h = startHarness();
afterAll(() => h.close());

const USERS = ['u1', 'u2', 'u3'] as const;
const CURRENCIES = ['USD', 'EUR'] as const;

type Op =
  | { type: 'credit' | 'charge'; user: string; amount: number; currency: string }
  | { type: 'reverse' | 'repost' | 'conflict'; target: number };

const money = {
  user: fc.constantFrom(...USERS),
  amount: fc.integer({ min: 1, max: 10_000_000_000 }),
  currency: fc.constantFrom(...CURRENCIES),
};
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('credit' as const), ...money }),
  fc.record({ type: fc.constant('charge' as const), ...money }),
  fc.record({ type: fc.constant('reverse' as const), target: fc.nat() }),
  fc.record({ type: fc.constant('repost' as const), target: fc.nat() }),
  fc.record({ type: fc.constant('conflict' as const), target: fc.nat() }),
);
/** Batches run one after another; the operations of a batch run at once, each in its own transaction. */
const scenario = fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 5,
});

/** A concrete request against the ledger, made from an Op. */
type Call =
  | { kind: 'post'; id: string; input: LedgerTransactionInput }
  | { kind: 'reverse'; id: string; original: string };

type Outcome = 'posted' | 'duplicate' | LedgerError['reason'];

async function execute(ledger: Ledger, call: Call): Promise<Outcome> {
  try {
    const { result } = await h.inTransaction((tx) =>
      call.kind === 'post'
        ? ledger.post(tx, call.input)
        : ledger.reverse(tx, call.original, call.id, { posted_at: '2026-07-01T00:00:00Z' }),
    );
    return result.status;
  } catch (error) {
    if (error instanceof LedgerError) return error.reason;
    throw error;
  }
}

const callKey = (call: Call) =>
  call.kind === 'post' ? JSON.stringify(call.input.postings) : `reverse:${call.original}`;

let run = 0;

describe('ledger properties', () => {
  it('any mix of credits, charges, reversals and (concurrent) re-posts keeps balances equal to postings', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (batches) => {
        run += 1;
        const ledger = createLedger({ firestore: h.firestore, collectionPrefix: `run${run}_` });
        const calls: Call[] = [];
        const winners = new Map<string, { call: Call; postings: Posting[] }>();
        const reversedBy = new Map<string, string>();
        let index = 0;

        for (const batch of batches) {
          const committedBefore = new Set(winners.keys());
          const planned: Call[] = [];
          for (const o of batch) {
            const i = index++;
            let call: Call | undefined;
            if (o.type === 'credit') {
              call = {
                kind: 'post',
                id: `evt_${i}`,
                input: stripeCredit(o.user, `evt_${i}`, o.amount, o.currency),
              };
            } else if (o.type === 'charge') {
              call = {
                kind: 'post',
                id: `alloc:${i}`,
                input: usageCharge(o.user, `alloc:${i}`, o.amount, o.currency),
              };
            } else if ('target' in o && calls.length + planned.length > 0) {
              const earlier = [...calls, ...planned];
              const target = earlier[o.target % earlier.length] as Call;
              if (o.type === 'repost') call = target;
              else if (o.type === 'reverse')
                call = { kind: 'reverse', id: `rev:${i}`, original: target.id };
              else if (target.kind === 'post') {
                const [first, second, ...rest] = target.input.postings as [Posting, Posting];
                const bump = (p: Posting) => ({ ...p, amount_micros: p.amount_micros + 1 });
                call = {
                  kind: 'post',
                  id: target.id,
                  input: { ...target.input, postings: [bump(first), bump(second), ...rest] },
                };
              }
            }
            if (call) planned.push(call);
          }
          const outcomes = await Promise.all(planned.map((call) => execute(ledger, call)));

          // Judge the batch: per id, one winner; the rest duplicates of it or conflicts with it.
          planned.forEach((call, n) => {
            const outcome = outcomes[n];
            const winner = winners.get(call.id);
            if (outcome === 'posted') {
              expect(winner, `${call.id} posted twice`).toBeUndefined();
              let postings: Posting[];
              if (call.kind === 'post') postings = call.input.postings;
              else {
                const original = winners.get(call.original);
                expect(original, `reversed ${call.original} before it existed`).toBeDefined();
                expect(reversedBy.has(call.original), `${call.original} reversed twice`).toBe(
                  false,
                );
                reversedBy.set(call.original, call.id);
                postings = mirrorPostings(original?.postings ?? []);
              }
              winners.set(call.id, { call, postings });
            }
          });
          planned.forEach((call, n) => {
            const outcome = outcomes[n];
            if (outcome === 'posted') return;
            const winner = winners.get(call.id);
            if (outcome === 'duplicate') {
              expect(winner && callKey(winner.call)).toBe(callKey(call));
            } else if (outcome === 'transaction_conflict') {
              expect(winner, `${call.id} conflicted with nothing`).toBeDefined();
              expect(callKey(winner?.call as Call)).not.toBe(callKey(call));
            } else if (call.kind === 'reverse' && outcome === 'already_reversed') {
              expect(reversedBy.has(call.original)).toBe(true);
            } else if (call.kind === 'reverse' && outcome === 'transaction_not_found') {
              expect(committedBefore.has(call.original)).toBe(false);
            } else if (call.kind === 'reverse' && outcome === 'not_reversible') {
              expect(winners.get(call.original)?.call.kind).toBe('reverse');
            } else {
              expect.fail(`${call.kind} ${call.id}: unexpected ${outcome}`);
            }
          });
          calls.push(...planned);
        }

        // Every balance equals the sum of the postings, both as the model sums them and as stored.
        const expected = new Map<
          string,
          { account: string; currency: string; net: bigint; lines: number }
        >();
        for (const { postings } of winners.values()) {
          for (const p of postings) {
            const key = `${p.account} ${p.currency}`;
            const e = expected.get(key) ?? {
              account: p.account,
              currency: p.currency,
              net: 0n,
              lines: 0,
            };
            e.net += BigInt(p.direction === 'credit' ? p.amount_micros : -p.amount_micros);
            e.lines += 1;
            expected.set(key, e);
          }
        }
        for (const e of expected.values()) {
          const totals = await ledger.totals(e.account, e.currency);
          expect(
            BigInt(totals.credit_micros - totals.debit_micros),
            `${e.account} ${e.currency}`,
          ).toBe(e.net);
          expect(totals.postings).toBe(e.lines);
          let listed = 0n;
          let cursor: string | undefined;
          do {
            const page = await ledger.listPostings(e.account, {
              limit: 100,
              ...(cursor ? { cursor } : {}),
            });
            for (const p of page.postings.filter((q) => q.currency === e.currency)) {
              listed += BigInt(p.direction === 'credit' ? p.amount_micros : -p.amount_micros);
            }
            cursor = page.next_cursor ?? undefined;
          } while (cursor);
          expect(listed).toBe(e.net);
        }
        for (const user of USERS) {
          for (const currency of CURRENCIES) {
            const e = expected.get(`customer_credit:${user} ${currency}`);
            expect(await ledger.userBalance(user, currency)).toBe(Number(e?.net ?? 0n));
          }
        }
        const report = await ledger.check();
        expect(report.violations).toEqual([]);
        expect(report.transactions).toBe(winners.size);
        expect(report.reversals).toBe(reversedBy.size);
      }),
      { numRuns: 12 },
    );
    // Concurrent posts of one id contend on the emulator (about 3 s each): hence the long timeout.
  }, 300_000);
});
