import { OAuth2Client } from 'google-auth-library';
import { ProblemError } from '../problem/problem-error';
import { OperatorAuthConfigError } from './operator-auth-config-error';
import type { OperatorPrincipal, VerifyOperator } from './principal';

export interface OperatorVerifierOptions {
  /** Expected `aud` of the operator's Google identity token (the API's URL or client id). */
  audience: string;
  /** Operator emails allowed in; compared case-insensitively. */
  allowList: readonly string[];
  /** Where Google's signing certificates are fetched (PEM); overridable for tests. */
  certsUrl?: string;
  issuers?: string[];
}

export const LOCAL_OPERATOR: OperatorPrincipal = { kind: 'operator', email: 'local-operator' };

const unauthenticated = (cause?: unknown) =>
  new ProblemError(401, 'unauthenticated', 'invalid credentials', {
    cause,
    headers: { 'www-authenticate': 'Bearer' },
  });

/**
 * Verifies an operator's Google identity token with google-auth-library (signature, `aud`, `iss`,
 * `exp`) and requires a verified email on the allow-list. Problems stay generic; causes are logged.
 */
export function createOperatorVerifier(options: OperatorVerifierOptions): VerifyOperator {
  if (options.allowList.length === 0) {
    throw new OperatorAuthConfigError('allowList', 'the operator allow-list is empty');
  }
  const allowed = new Set(options.allowList.map((e) => e.trim().toLowerCase()));
  const client = new OAuth2Client({
    endpoints: options.certsUrl ? { oauth2FederatedSignonPemCertsUrl: options.certsUrl } : {},
    issuers: options.issuers ?? ['accounts.google.com', 'https://accounts.google.com'],
  });
  return async function verifyOperator(token) {
    if (!token) throw unauthenticated();
    let payload: Record<string, unknown> | undefined;
    try {
      const ticket = await client.verifyIdToken({ idToken: token, audience: options.audience });
      payload = ticket.getPayload() as Record<string, unknown> | undefined;
    } catch (error) {
      throw unauthenticated(new Error(redactTokens((error as Error).message)));
    }
    const email = typeof payload?.email === 'string' ? payload.email : undefined;
    if (!email) throw unauthenticated(new Error('identity token carries no email'));
    // A valid Google identity that is not an operator's: authenticated, but not allowed.
    if (payload?.email_verified !== true) {
      throw new ProblemError(403, 'forbidden', 'not allowed', {
        cause: new Error(`email ${email} is not verified`),
      });
    }
    if (!allowed.has(email.toLowerCase())) {
      throw new ProblemError(403, 'forbidden', 'not allowed', {
        cause: new Error(`email ${email} is not on the operator allow-list`),
      });
    }
    return { kind: 'operator', email };
  };
}

/** The token library quotes the token in its messages: logs get the reason, never a credential. */
const redactTokens = (message: string): string =>
  message.replace(/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[token]');
