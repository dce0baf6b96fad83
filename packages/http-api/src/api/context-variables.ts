import type { Principal } from '../principals/principal';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated caller of an API route (`null` on `auth: 'none'` routes). */
    principal: Principal | null;
    /** The request's `Idempotency-Key`, when its route honours one and it was sent. */
    idempotencyKey: string | undefined;
  }
}
