import { Currency, StringEnum } from '@gpuaas/contracts';
import { PageQueryWith, UserId } from '@gpuaas/http-api';
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** `?user_id=`: operators name the user; a user may only name themself. */
const CLOSED = { additionalProperties: false } as const;

export const SubjectQuery = Type.Object(
  {
    user_id: Type.Optional({
      ...UserId,
      description: 'Operators only: whose data (required for them)',
    }),
  },
  CLOSED,
);

export const BalanceQuery = Type.Composite(
  [
    SubjectQuery,
    Type.Object({ currency: Type.Optional({ ...Currency, description: 'One billed currency' }) }),
  ],
  CLOSED,
);

export const LedgerQuery = PageQueryWith(SubjectQuery);

export const UsageQuery = PageQueryWith(
  SubjectQuery,
  Type.Object({ allocation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }),
);

export const LedgerCheckQuery = Type.Object(
  { max_violations: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  CLOSED,
);

export const BalanceState = StringEnum(['ok', 'low', 'pending_auto_release', 'depleted']);

export const Balance = Type.Object(
  {
    currency: Type.String(),
    balance_micros: Type.Integer({ description: 'credits − debits of customer_credit:<user>' }),
    state: BalanceState,
    low_balance_threshold_micros: Type.Integer(),
    episode_id: Nullable(Type.String({ description: 'the current (or last) low-balance episode' })),
    depletion_window_id: Nullable(Type.String()),
    burn_rate_micros_per_hour: Type.Integer(),
    projected_depletion_at: Nullable(Type.String({ format: 'date-time' })),
    active_allocation_ids: Type.Array(Type.String()),
    last_credit: Nullable(
      Type.Object({
        amount_micros: Type.Integer(),
        credited_at: Type.String(),
        stripe_event_id: Type.String(),
      }),
    ),
  },
  { $id: 'Balance' },
);
export type Balance = Static<typeof Balance>;

export const Balances = Type.Object(
  { user_id: Type.String(), balances: Type.Array(Balance) },
  { $id: 'Balances' },
);

const Source = Type.Object({ type: Type.String(), id: Type.String() });
const Direction = StringEnum(['debit', 'credit']);
const Kind = StringEnum(['usage_charge', 'credit', 'manual_credit', 'adjustment', 'reversal']);

export const LedgerPosting = Type.Object(
  {
    transaction_id: Type.String(),
    kind: Kind,
    posted_at: Type.String(),
    account: Type.String(),
    direction: Direction,
    amount_micros: Type.Integer(),
    currency: Type.String(),
    source: Type.Optional(Source),
  },
  { $id: 'LedgerPosting' },
);

export const LedgerTransaction = Type.Object(
  {
    transaction_id: Type.String(),
    kind: Kind,
    posted_at: Type.String(),
    postings: Type.Array(
      Type.Object({
        account: Type.String(),
        direction: Direction,
        amount_micros: Type.Integer(),
        currency: Type.String(),
      }),
    ),
    source: Type.Optional(Source),
  },
  { $id: 'LedgerTransaction' },
);

export const UsageLine = Type.Object(
  {
    line_id: Type.String(),
    usage_event_id: Type.String(),
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
    billing_stop: Nullable(Type.Object({ at: Type.String(), reason: Type.String() })),
    status: StringEnum(['charged', 'not_charged']),
    no_charge_reason: Nullable(Type.String()),
    ledger_transaction_id: Nullable(Type.String()),
    held: Type.Boolean(),
  },
  { $id: 'UsageLine' },
);

export const LedgerCheckReport = Type.Object(
  {
    ok: Type.Boolean(),
    read_time: Type.String(),
    transactions: Type.Integer(),
    postings: Type.Integer(),
    accounts: Type.Integer(),
    balances: Type.Integer(),
    reversals: Type.Integer(),
    violation_count: Type.Integer(),
    violations: Type.Array(
      Type.Object({
        code: Type.String(),
        detail: Type.String(),
        transaction_id: Type.Optional(Type.String()),
        account: Type.Optional(Type.String()),
        currency: Type.Optional(Type.String()),
        document: Type.Optional(Type.String()),
      }),
    ),
    duration_ms: Type.Number(),
  },
  { $id: 'LedgerCheckReport' },
);
