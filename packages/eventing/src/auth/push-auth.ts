import { OAuth2Client } from 'google-auth-library';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { describeError } from '../describe-error';

export interface PushAuthOptions {
  /** Expected `aud`: the push endpoint URL or the audience configured on the subscription. */
  audience: string;
  /** The service account the subscription signs its tokens as. */
  serviceAccountEmail: string;
  /** Where Google's signing certificates are fetched (PEM); overridable for tests. */
  certsUrl?: string;
  issuers?: string[];
}

/** A refused push token. `detail` is for the log only: it can quote the token's contents. */
export class PushAuthError extends Error {
  override readonly name = 'PushAuthError';
  constructor(
    readonly status: 401 | 403,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export type VerifyPushToken = (authorization: string | undefined) => Promise<{ email: string }>;

/** Verifies a Pub/Sub push OIDC token: signature, `aud`, `iss`, `exp`, `email`, `email_verified`. */
export function createPushTokenVerifier(options: PushAuthOptions): VerifyPushToken {
  const client = new OAuth2Client({
    endpoints: options.certsUrl ? { oauth2FederatedSignonPemCertsUrl: options.certsUrl } : {},
    issuers: options.issuers ?? ['accounts.google.com', 'https://accounts.google.com'],
  });
  return async function verifyPushToken(authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new PushAuthError(401, 'missing bearer token');
    let payload: Record<string, unknown> | undefined;
    try {
      const ticket = await client.verifyIdToken({ idToken: match[1], audience: options.audience });
      payload = ticket.getPayload() as Record<string, unknown> | undefined;
    } catch (error) {
      throw new PushAuthError(401, `invalid token: ${describeError(error)}`);
    }
    if (!payload) throw new PushAuthError(401, 'invalid token: no payload');
    if (payload.email !== options.serviceAccountEmail) {
      throw new PushAuthError(
        403,
        `token email ${String(payload.email)} is not the push service account`,
      );
    }
    if (payload.email_verified !== true) {
      throw new PushAuthError(403, 'token email is not verified');
    }
    return { email: payload.email };
  };
}

/**
 * Hono middleware: nothing reaches a push or task handler without a valid push token. The answer
 * says only 401 or 403; why goes to the log.
 */
export function pushAuth(verify: VerifyPushToken, logger?: Logger): MiddlewareHandler {
  return async function pushAuth(c, next) {
    try {
      await verify(c.req.header('authorization'));
    } catch (error) {
      const status = error instanceof PushAuthError ? error.status : 401;
      const detail = error instanceof PushAuthError ? error.detail : describeError(error);
      logger?.warn({ path: c.req.path, status, detail }, 'push request refused');
      return c.json({ error: status === 401 ? 'unauthenticated' : 'forbidden' }, status);
    }
    await next();
  };
}
