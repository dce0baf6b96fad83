import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOperatorVerifier, type VerifyOperator } from '@gpuaas/http-api';

export const OPERATOR_AUDIENCE = 'https://payments.example.run.app';
export const OPERATOR_EMAIL = 'alice@ops.example';
const KID = 'payments-test-key';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

// runtime: @gpuaas/http-api keeps its token minter in its own tests; a `testing` export would serve every app.
/**
 * Google identity tokens minted locally (RS256) and a local server publishing their certificate
 * in Google's PEM shape, so the real operator verifier runs without the network.
 */
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
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
    const tokens = new OperatorTokens(server, url);
    pem = tokens.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return tokens;
  }

  /** The production verifier, trusting this minter's certificate. */
  verifier(allowList: string[] = [OPERATOR_EMAIL]): VerifyOperator {
    return createOperatorVerifier({
      audience: OPERATOR_AUDIENCE,
      allowList,
      certsUrl: this.certsUrl,
    });
  }

  mint(overrides: Record<string, unknown> = {}): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
    const claims = {
      iss: 'https://accounts.google.com',
      aud: OPERATOR_AUDIENCE,
      sub: '1234567890',
      email: OPERATOR_EMAIL,
      email_verified: true,
      iat: now() - 10,
      exp: now() + 3600,
      ...overrides,
    };
    const body = b64url(JSON.stringify(claims));
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), this.keys.privateKey);
    return `${header}.${body}.${b64url(signature)}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
