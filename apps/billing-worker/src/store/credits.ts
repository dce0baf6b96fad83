import { type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { PayloadOf } from '@gpuaas/contracts';
import { CREDIT_SUMMARIES, CREDITS, documentId, userCurrencyId } from './collections';

type Credited = PayloadOf<'platform.payments.balance_credited'>;

/** The last credit of a user in a currency, as the read API shows it. */
export interface CreditSummary {
  user_id: string;
  currency: string;
  last_credited_at: string;
  last_amount_micros: number;
  last_stripe_event_id: string;
  last_balance_after_micros: number;
  credits: number;
}

const summaryRef = (firestore: Firestore, userId: string, currency: string) =>
  firestore.collection(CREDIT_SUMMARIES).doc(userCurrencyId(userId, currency));

export async function readCreditSummary(
  firestore: Firestore,
  userId: string,
  currency: string,
  tx?: Transaction,
): Promise<CreditSummary | undefined> {
  const ref = summaryRef(firestore, userId, currency);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) return undefined;
  const { updated_at: _u, ...summary } = snap.data() as CreditSummary & { updated_at: unknown };
  return summary;
}

export async function creditRecorded(
  tx: Transaction,
  firestore: Firestore,
  stripeEventId: string,
): Promise<boolean> {
  return (await tx.get(firestore.collection(CREDITS).doc(documentId(stripeEventId)))).exists;
}

/** Records a credit (read `creditRecorded` first) and moves the summary to the latest one. */
export function recordCredit(
  tx: Transaction,
  firestore: Firestore,
  credit: Credited,
  previous: CreditSummary | undefined,
  creditedAtMs: number,
): void {
  tx.create(firestore.collection(CREDITS).doc(documentId(credit.stripe_event_id)), {
    ...credit,
    received_at: Timestamp.now(),
  });
  const newer = !previous || Date.parse(previous.last_credited_at) <= creditedAtMs;
  const summary: CreditSummary = newer
    ? {
        user_id: credit.user_id,
        currency: credit.currency,
        last_credited_at: credit.credited_at,
        last_amount_micros: credit.amount_micros,
        last_stripe_event_id: credit.stripe_event_id,
        last_balance_after_micros: credit.balance_after_micros,
        credits: (previous?.credits ?? 0) + 1,
      }
    : { ...previous, credits: previous.credits + 1 };
  tx.set(summaryRef(firestore, credit.user_id, credit.currency), {
    ...summary,
    updated_at: Timestamp.now(),
  });
}
