import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOperatorVerifier } from '../principals/operator-verifier';
import type { VerifyOperator } from '../principals/principal';

export interface OperatorTokensOptions {
  /** The `aud` minted and expected (the service's URL in production). */
  audience?: string;
  /** The operator's email: on the allow-list by default. */
  email?: string;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const KID = 'test-operator-key';

/**
 * Google identity tokens minted locally (RS256) and a local server publishing their certificate
 * in Google's PEM shape, so the real operator verifier runs in tests without the network.
 */
export class OperatorTokens {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  private constructor(
    private readonly server: Server,
    readonly certsUrl: string,
    readonly audience: string,
    readonly email: string,
  ) {}

  static async start(options: OperatorTokensOptions = {}): Promise<OperatorTokens> {
    let pem = '';
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ [KID]: pem }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
    const tokens = new OperatorTokens(
      server,
      url,
      options.audience ?? 'https://service.example.run.app',
      options.email ?? 'operator@ops.example',
    );
    pem = tokens.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return tokens;
  }

  /** A signed identity token of the operator; any claim can be overridden. */
  mint(overrides: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
    const body = b64url(
      JSON.stringify({
        iss: 'https://accounts.google.com',
        aud: this.audience,
        sub: '1234567890',
        email: this.email,
        email_verified: true,
        iat: now - 10,
        exp: now + 3600,
        ...overrides,
      }),
    );
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), this.keys.privateKey);
    return `${header}.${body}.${b64url(signature)}`;
  }

  /** `Authorization` header value for `mint(overrides)`. */
  bearer(overrides: Record<string, unknown> = {}): string {
    return `Bearer ${this.mint(overrides)}`;
  }

  /** The production verifier, trusting this minter's certificate. */
  verifier(allowList: string[] = [this.email]): VerifyOperator {
    return createOperatorVerifier({ audience: this.audience, allowList, certsUrl: this.certsUrl });
  }

  /** The settings that make an app verify operators against this minter (`OPERATOR_*`). */
  env(allowList: string[] = [this.email]): Record<string, string> {
    return {
      OPERATOR_AUTH: 'google',
      OPERATOR_AUDIENCE: this.audience,
      OPERATOR_ALLOW_LIST: allowList.join(','),
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
