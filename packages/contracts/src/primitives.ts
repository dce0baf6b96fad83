import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import './formats';

export const Uuid = Type.String({ format: 'uuid' });
export type Uuid = Static<typeof Uuid>;

export const Rfc3339Utc = Type.String({ format: 'date-time' });
export type Rfc3339Utc = Static<typeof Rfc3339Utc>;

/** ISO 4217 alphabetic code, upper case (Stripe's lower-case codes are converted at the edge). */
export const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
export type Currency = Static<typeof Currency>;

/** Integer micros (10^-6 of the currency unit): no floating point anywhere money is stored. */
export const Micros = Type.Integer();
export type Micros = Static<typeof Micros>;

export const Money = Type.Object({ amount_micros: Micros, currency: Currency });
export type Money = Static<typeof Money>;

/** Ids that go into idempotency keys must not be empty, or unrelated events would collapse. */
export const Identifier = Type.String({ minLength: 1 });
export type Identifier = Static<typeof Identifier>;

export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
export type Sha256Hex = Static<typeof Sha256Hex>;

export const Count = Type.Integer({ minimum: 0 });
export type Count = Static<typeof Count>;

/** A closed set of strings; exported as `anyOf` of `const`, which check:compat reads as an enum. */
export function StringEnum<const V extends readonly [string, ...string[]]>(
  values: V,
): TUnion<TLiteral<V[number]>[]> {
  return Type.Union(values.map((value) => Type.Literal(value)));
}
