import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AUDIENCE = 'https://replay.example.run.app';
export const OPERATOR = 'oncall@gpuaas.example';
const KID = 'replay-test-key';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** Google-shaped identity tokens (RS256) and a local certs server publishing their key. */
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
    const tokens = new OperatorTokens(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`,
    );
    pem = tokens.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return tokens;
  }

  mint(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
    const body = b64url(
      JSON.stringify({
        iss: 'https://accounts.google.com',
        aud: AUDIENCE,
        sub: '42',
        email: OPERATOR,
        email_verified: true,
        iat: now - 10,
        exp: now + 3600,
        ...claims,
      }),
    );
    return `${header}.${body}.${b64url(sign('RSA-SHA256', Buffer.from(`${header}.${body}`), this.keys.privateKey))}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
