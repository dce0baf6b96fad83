import { defineRoute, ProblemError } from '@gpuaas/http-api';
import { customerCreditAccount, TransactionId } from '@gpuaas/ledger';
import { Type } from '@sinclair/typebox';
import type { RouteDeps } from './route-deps';
import { LedgerTransaction, SubjectQuery } from './schemas';
import { subjectUser } from './subject-user';

export const getLedgerTransaction = (deps: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/ledger/{transaction_id}',
    summary: 'One ledger transaction on your credit account',
    description: "A transaction that does not touch the caller's account is a 404.",
    tags: ['billing'],
    auth: 'user_or_operator',
    params: Type.Object({ transaction_id: TransactionId }),
    query: SubjectQuery,
    responses: { 200: LedgerTransaction },
    async handler({ params, query, principal }) {
      const account =
        principal.kind === 'operator' && query.user_id === undefined
          ? undefined
          : customerCreditAccount(await subjectUser(principal, query.user_id, deps.registry));
      const transaction = await deps.ledger.getTransaction(params.transaction_id);
      if (!transaction || (account && !transaction.postings.some((p) => p.account === account))) {
        throw new ProblemError(404, 'not_found', 'ledger transaction not found');
      }
      const { metadata: _m, ...visible } = transaction;
      return { status: 200, body: visible };
    },
  });
