import { OperatorTokens as Tokens } from '@gpuaas/http-api/testing';

export type OperatorTokens = Tokens;

export const OPERATOR_AUDIENCE = 'https://billing-worker.example.run.app';
export const OPERATOR_EMAIL = 'ops@gpuaas.example';

/** Locally minted Google identity tokens for the billing read API's tests. */
export const OperatorTokens = {
  start: () => Tokens.start({ audience: OPERATOR_AUDIENCE, email: OPERATOR_EMAIL }),
};

/** The settings that make the API verify operator tokens against the local certificate. */
export const operatorEnv = {
  OPERATOR_AUTH: 'google',
  OPERATOR_AUDIENCE,
  OPERATOR_ALLOW_LIST: OPERATOR_EMAIL,
};
