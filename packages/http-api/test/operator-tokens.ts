import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPERATOR_AUDIENCE = 'https://orchestrator.example.run.app';
export const OPERATOR_EMAIL = 'ops@gpuaas.example';
const KID = 'test-key-1';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/**
 * Google identity tokens minted locally: RS256 with a key whose certificate a local server
 * publishes in Google's PEM certs shape (`{ kid: pem }`), so no network is needed.
 */
export class OperatorTokens {
  readonly signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private constructor(
    private readonly server: Server,
    readonly certsUrl: string,
    readonly publicPem: string,
  ) {}

  static async start(): Promise<OperatorTokens> {
    let pem = '';
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ [KID]: pem }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
    const tokens = new OperatorTokens(server, url, '');
    pem = tokens.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    Object.assign(tokens, { publicPem: pem });
    return tokens;
  }

  claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: 'https://accounts.google.com',
      aud: OPERATOR_AUDIENCE,
      sub: '1234567890',
      email: OPERATOR_EMAIL,
      email_verified: true,
      iat: now() - 10,
      exp: now() + 3600,
      ...overrides,
    };
  }

  /** An RS256 token; `key` and `kid` overridable to forge one. */
  mint(
    overrides: Record<string, unknown> = {},
    key: KeyObject = this.signing.privateKey,
    kid = KID,
  ): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const body = b64url(JSON.stringify(this.claims(overrides)));
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key);
    return `${header}.${body}.${b64url(signature)}`;
  }

  /** `alg: none`, no signature: must never pass. */
  mintUnsigned(): string {
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: KID }));
    return `${header}.${b64url(JSON.stringify(this.claims()))}.`;
  }

  /** HS256 keyed with the public certificate: the classic algorithm-confusion forgery. */
  mintHs256WithPublicKey(): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KID }));
    const body = b64url(JSON.stringify(this.claims()));
    const mac = createHmac('sha256', this.publicPem).update(`${header}.${body}`).digest();
    return `${header}.${body}.${b64url(mac)}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
