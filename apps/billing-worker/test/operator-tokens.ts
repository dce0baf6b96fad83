import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPERATOR_AUDIENCE = 'https://billing-worker.example.run.app';
export const OPERATOR_EMAIL = 'ops@gpuaas.example';
const KID = 'billing-test-key';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

// runtime: @gpuaas/http-api could export this from a testing entry point; apps mint the same.
/** Google identity tokens minted locally (RS256), their certificate served in Google's PEM shape. */
export class OperatorTokens {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private constructor(
    private readonly server: Server,
    readonly certsUrl: string,
  ) {}

  static async start(): Promise<OperatorTokens> {
    let pem = '';
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ [KID]: pem }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const tokens = new OperatorTokens(server, `http://127.0.0.1:${port}/oauth2/v1/certs`);
    pem = tokens.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return tokens;
  }

  /** `Authorization` header value for an operator (claims overridable). */
  bearer(overrides: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
    const body = b64url(
      JSON.stringify({
        iss: 'https://accounts.google.com',
        aud: OPERATOR_AUDIENCE,
        sub: '1234567890',
        email: OPERATOR_EMAIL,
        email_verified: true,
        iat: now - 10,
        exp: now + 3600,
        ...overrides,
      }),
    );
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), this.keys.privateKey);
    return `Bearer ${header}.${body}.${b64url(signature)}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The settings that make the API verify operator tokens against the local certificate. */
export const operatorEnv = {
  OPERATOR_AUTH: 'google',
  OPERATOR_AUDIENCE,
  OPERATOR_ALLOW_LIST: OPERATOR_EMAIL,
};
