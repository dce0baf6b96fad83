import { type Firestore, type Query, Timestamp, type Transaction } from '@google-cloud/firestore';
import { StringEnum } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { instantOf, NS_PER_SECOND } from '../domain/instants';
import type { UsageLine } from '../domain/usage-line';
import { documentId, USAGE_LINES } from './collections';
import { Nullable, StoredTimestamp } from './schema-parts';
import { decodeStored } from './stored-document';

/** `billing_usage_lines/{usage_event_id}`: one rated line per usage event, never rewritten. */
export const UsageLineDoc = Type.Object({
  line_id: Type.String(),
  usage_event_id: Type.String(),
  user_id: Type.String(),
  allocation_id: Type.String(),
  product_code: Type.String(),
  sku: Type.String(),
  quantity: Type.Integer(),
  interval_start: Type.String(),
  interval_end: Type.String(),
  price_id: Type.String(),
  rate_micros_per_gpu_hour: Type.Integer(),
  gpu_count: Type.Integer(),
  billing_increment_seconds: Type.Integer(),
  currency: Type.String(),
  billed_seconds: Type.Integer(),
  amount_micros: Type.Integer(),
  rounding: Type.Literal('ceil'),
  billed_through_seconds: Type.Integer(),
  window_started_at: Type.String(),
  charged_from: Type.String(),
  charged_until: Type.String(),
  billing_stop: Nullable(
    Type.Object({ at: Type.String(), reason: StringEnum(['release_failed', 'released']) }),
  ),
  status: StringEnum(['charged', 'not_charged']),
  no_charge_reason: Nullable(
    StringEnum([
      'past_billing_stop',
      'before_window_start',
      'covered_by_billed_increment',
      'empty_interval',
      'zero_rate',
    ]),
  ),
  ledger_transaction_id: Nullable(Type.String()),
  held: Type.Boolean(),
  /** Listing order (a Timestamp keeps the nanoseconds that text order would misplace). */
  interval_start_at: StoredTimestamp,
  rated_at: StoredTimestamp,
});
export type UsageLineDoc = Static<typeof UsageLineDoc>;
const check = TypeCompiler.Compile(UsageLineDoc);

export const lineRef = (firestore: Firestore, usageEventId: string) =>
  firestore.collection(USAGE_LINES).doc(documentId(usageEventId));

function timestampOf(text: string): Timestamp {
  const ns = instantOf(text);
  const seconds = ns / NS_PER_SECOND;
  return new Timestamp(Number(seconds), Number(ns - seconds * NS_PER_SECOND));
}

export function createLine(tx: Transaction, firestore: Firestore, line: UsageLine): void {
  const doc: UsageLineDoc = {
    ...line,
    interval_start_at: timestampOf(line.interval_start),
    rated_at: Timestamp.now(),
  };
  tx.create(lineRef(firestore, line.usage_event_id), doc);
}

export function toUsageLine(data: unknown): UsageLine {
  if (!check.Check(data)) throw new Error('usage line off its schema');
  const { interval_start_at: _s, rated_at: _r, ...line } = data;
  return line;
}

export async function readLine(
  firestore: Firestore,
  usageEventId: string,
): Promise<UsageLine | undefined> {
  const doc = decodeStored(await lineRef(firestore, usageEventId).get(), check);
  return doc && toUsageLine(doc);
}

/** The user's lines, optionally of one allocation; ordered by the caller (newest interval first). */
export function linesOf(firestore: Firestore, userId: string, allocationId?: string): Query {
  const q = firestore.collection(USAGE_LINES).where('user_id', '==', userId);
  return allocationId === undefined ? q : q.where('allocation_id', '==', allocationId);
}
