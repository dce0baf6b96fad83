import { defineRoute, invalidInput, Page } from '@gpuaas/http-api';
import { customerCreditAccount, LedgerError } from '@gpuaas/ledger';
import type { RouteDeps } from './route-deps';
import { LedgerPosting, LedgerQuery } from './schemas';
import { subjectUser } from './subject-user';

export const listLedger = (deps: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/ledger',
    summary: 'Your ledger: the postings of your credit account, newest first',
    tags: ['billing'],
    auth: 'user_or_operator',
    query: LedgerQuery,
    responses: { 200: Page(LedgerPosting) },
    async handler({ query, principal }) {
      const userId = await subjectUser(principal, query.user_id, deps.registry);
      try {
        const page = await deps.ledger.listPostings(customerCreditAccount(userId), {
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        });
        return { status: 200, body: { items: page.postings, next_cursor: page.next_cursor } };
      } catch (error) {
        if (error instanceof LedgerError && error.reason === 'invalid_cursor') {
          throw invalidInput('query', '/cursor', 'cursor is not valid', 'invalid_cursor');
        }
        throw error;
      }
    },
  });
