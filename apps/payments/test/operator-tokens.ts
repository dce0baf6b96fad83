import { OperatorTokens as Tokens } from '@gpuaas/http-api/testing';

export type OperatorTokens = Tokens;

export const OPERATOR_AUDIENCE = 'https://payments.example.run.app';
export const OPERATOR_EMAIL = 'alice@ops.example';

/** Locally minted Google identity tokens for the payments operator API's tests. */
export const OperatorTokens = {
  start: () => Tokens.start({ audience: OPERATOR_AUDIENCE, email: OPERATOR_EMAIL }),
};
