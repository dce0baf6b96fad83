// What the reliability suite puts between the parts: an HTTP front that counts push deliveries
// and can refuse them for a while, and a TCP proxy to an emulator that can be cut and restored.
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';

const listen = (server: Server | ReturnType<typeof createTcpServer>, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

/** Push deliveries as an app's front saw them. */
export interface FrontCounts {
  deliveries: number;
  acknowledged: number;
  refused: number;
}

/**
 * An HTTP front of one app: forwards every request, counts the push deliveries (`/push/…`) and
 * what they were answered, and answers them 503 while `failing` (a consumer down for a while).
 */
export class HttpFront {
  failing = false;
  readonly counts: FrontCounts = { deliveries: 0, acknowledged: 0, refused: 0 };
  private constructor(
    private readonly server: Server,
    readonly url: string,
    public target: string,
  ) {}

  static async start(target: string): Promise<HttpFront> {
    let front: HttpFront | undefined;
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const self = front as HttpFront;
        const push = req.url?.startsWith('/push/') === true;
        if (push) self.counts.deliveries += 1;
        if (push && self.failing) {
          self.counts.refused += 1;
          res.writeHead(503).end('failing on purpose');
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name, value]) =>
              typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name),
          ),
        ) as Record<string, string>;
        fetch(`${self.target}${req.url}`, {
          method: req.method,
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
        }).then(
          async (answer) => {
            if (push && answer.status >= 200 && answer.status < 300) self.counts.acknowledged += 1;
            if (push && answer.status >= 300) self.counts.refused += 1;
            const body = Buffer.from(await answer.arrayBuffer());
            res.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'text/plain',
            });
            res.end(body);
          },
          () => {
            if (push) self.counts.refused += 1;
            res.writeHead(502).end('app unreachable');
          },
        );
      });
    });
    const port = await listen(server);
    front = new HttpFront(server, `http://127.0.0.1:${port}`, target);
    return front;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A TCP proxy to an emulator: `cut()` stops listening and resets every open connection (the
 * emulator gone, as far as the app can tell), `restore()` listens on the same port again.
 */
export class TcpProxy {
  private server: ReturnType<typeof createTcpServer> | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(targetHost: string): Promise<TcpProxy> {
    const [host = '127.0.0.1', port = '0'] = targetHost.split(':');
    const probe = createTcpServer();
    const free = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new TcpProxy(free, { host, port: Number(port) });
    await proxy.restore();
    return proxy;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createTcpServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await listen(server, this.port);
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.cut();
  }
}
