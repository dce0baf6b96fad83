import type { Context } from 'hono';
import { type CheckLedgerOptions, checkLedger } from './check-ledger';

export type LedgerCheckRouteOptions = CheckLedgerOptions;

/**
 * `GET` handler for the operator endpoint: the check report as JSON, 200 when every invariant
 * holds and 409 when one does not, so an uptime check alerts on it. Mount behind operator auth.
 */
export function ledgerCheckRoute(options: LedgerCheckRouteOptions) {
  return async function ledgerCheckRoute(c: Context): Promise<Response> {
    const report = await checkLedger(options);
    return c.json(report, report.ok ? 200 : 409);
  };
}
