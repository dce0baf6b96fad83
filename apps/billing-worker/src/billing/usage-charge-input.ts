import { customerCreditAccount, type LedgerTransactionInput, revenueAccount } from '@gpuaas/ledger';
import type { UsageLine } from '../domain/usage-line';

/** The ledger transaction of a charged line: the user's credit pays the product's revenue. */
export function usageChargeInput(line: UsageLine): LedgerTransactionInput {
  const money = { amount_micros: line.amount_micros, currency: line.currency };
  return {
    transaction_id: line.usage_event_id,
    kind: 'usage_charge',
    posted_at: line.interval_end,
    source: { type: 'usage_event', id: line.usage_event_id },
    postings: [
      { account: customerCreditAccount(line.user_id), direction: 'debit', ...money },
      { account: revenueAccount(line.product_code), direction: 'credit', ...money },
    ],
    metadata: { line_id: line.line_id },
  };
}
