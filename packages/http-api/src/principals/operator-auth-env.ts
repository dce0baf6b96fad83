import { OperatorAuthConfigError } from './operator-auth-config-error';
import { createOperatorVerifier, LOCAL_OPERATOR } from './operator-verifier';
import type { VerifyOperator } from './principal';

type Env = Record<string, string | undefined>;

/**
 * Local development only: every operator route sees `local-operator`. Refused on Cloud Run
 * (`K_SERVICE` set), so a stray setting cannot open the operator API in production.
 */
export function localOperatorVerifier(env: Env = process.env): VerifyOperator {
  if (env.K_SERVICE) {
    throw new OperatorAuthConfigError(
      'OPERATOR_AUTH',
      'off is refused on Cloud Run (K_SERVICE is set)',
    );
  }
  return async function verifyLocalOperator() {
    return LOCAL_OPERATOR;
  };
}

export interface OperatorAuthEnvOptions {
  certsUrl?: string;
}

/**
 * Operator auth from the environment: `OPERATOR_AUTH` = `google` (default; needs
 * `OPERATOR_AUDIENCE` and a comma-separated `OPERATOR_ALLOW_LIST`) or `off` (local only).
 */
export function operatorVerifierFromEnv(
  env: Env = process.env,
  options: OperatorAuthEnvOptions = {},
): VerifyOperator {
  const mode = env.OPERATOR_AUTH?.trim() || 'google';
  if (mode === 'off') return localOperatorVerifier(env);
  if (mode !== 'google')
    throw new OperatorAuthConfigError('OPERATOR_AUTH', `must be google or off, got "${mode}"`);
  const audience = env.OPERATOR_AUDIENCE?.trim();
  if (!audience) throw new OperatorAuthConfigError('OPERATOR_AUDIENCE', 'is required');
  const allowList = (env.OPERATOR_ALLOW_LIST ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (allowList.length === 0)
    throw new OperatorAuthConfigError(
      'OPERATOR_ALLOW_LIST',
      'is required (comma-separated emails)',
    );
  return createOperatorVerifier({
    audience,
    allowList,
    ...(options.certsUrl ? { certsUrl: options.certsUrl } : {}),
  });
}
