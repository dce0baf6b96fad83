import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpPost } from './http-post';

describe('createHttpPost on a local server', () => {
  let server: Server;
  let base: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/slow') return; // never answers
      res.writeHead(
        req.url === '/busy' ? 503 : 200,
        req.url === '/busy' ? { 'retry-after': '7' } : {},
      );
      res.end('x'.repeat(req.url === '/big' ? 100_000 : 3));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const local = createHttpPost({ timeoutMs: 300, allowPrivateNetworks: true });

  it('keeps the status, Retry-After and the first bytes of the answer', async () => {
    expect(await local(`${base}/ok`, '{}', {})).toMatchObject({
      kind: 'answered',
      statusCode: 200,
      responseExcerpt: 'xxx',
    });
    expect(await local(`${base}/busy`, '{}', {})).toMatchObject({
      kind: 'answered',
      statusCode: 503,
      retryAfterMs: 7000,
    });
    const big = await local(`${base}/big`, '{}', {});
    expect(big.responseExcerpt).toHaveLength(512);
  });

  it('times out an endpoint that does not answer', async () => {
    const result = await local(`${base}/slow`, '{}', {});
    expect(result.kind).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('refuses loopback and private endpoints in production, by address and by name', async () => {
    const guarded = createHttpPost({ timeoutMs: 1000, allowPrivateNetworks: false });
    const before = hits;
    const port = new URL(base).port;
    expect(await guarded(`${base}/ok`, '{}', {})).toMatchObject({ kind: 'address_refused' });
    // `localhost` is only a name: the check is on the address it resolves to.
    expect(await guarded(`http://localhost:${port}/ok`, '{}', {})).toMatchObject({
      kind: 'address_refused',
    });
    expect(await guarded(`http://[::ffff:127.0.0.1]:${port}/ok`, '{}', {})).toMatchObject({
      kind: 'address_refused',
    });
    expect(hits).toBe(before);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await local(`http://127.0.0.1:${port}/`, '{}', {})).toMatchObject({
      kind: 'network_error',
    });
  });
});
