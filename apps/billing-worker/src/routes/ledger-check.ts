import { defineRoute, ProblemError } from '@gpuaas/http-api';
import { checkLedger } from '@gpuaas/ledger';
import type { RouteDeps } from './route-deps';
import { LedgerCheckQuery, LedgerCheckReport } from './schemas';

export const ledgerCheck = (deps: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/admin/ledger-check',
    summary: 'Check every ledger invariant (operators)',
    description:
      'Balanced transactions, immutability, fingerprints, one charge per usage event, shard totals equal to postings. 200 with the report when all hold; 409 naming the violations when not.',
    tags: ['operations'],
    auth: 'operator',
    query: LedgerCheckQuery,
    responses: { 200: LedgerCheckReport },
    problems: [409],
    async handler({ query }) {
      const report = await checkLedger({
        firestore: deps.firestore,
        collectionPrefix: deps.context.settings.ledgerCollectionPrefix,
        maxViolations: query.max_violations,
      });
      if (!report.ok) {
        // runtime: a declared non-2xx answer with a body would carry the whole report here.
        const shown = report.violations
          .slice(0, 10)
          .map((v) => `${v.code}${v.transaction_id ? ` (${v.transaction_id})` : ''}`);
        throw new ProblemError(
          409,
          'ledger_check_failed',
          `${report.violation_count} violations at ${report.read_time}: ${shown.join(', ')}`,
        );
      }
      return { status: 200, body: report };
    },
  });
