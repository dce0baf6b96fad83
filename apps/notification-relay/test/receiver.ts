import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the receiver saw it. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Whether each of the receiver's secrets verified it (Standard Webhooks library). */
  verified: Record<string, boolean>;
  /** The parsed body, when a secret verified it. */
  json?: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** How the receiver answers its n-th request (1-based). */
export type Answer = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering; `Infinity` never answers. */
  delayMs?: number;
};

/** A customer endpoint on a local port: records, verifies and answers as a scenario says. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Secrets to verify with; a test sets them once the endpoint has its secret. */
  secrets: string[] = [];
  private readonly hanging = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private answer: (n: number) => Answer,
  ) {}

  static async start(
    answer: (n: number) => Answer = () => ({ status: 204 }),
  ): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        receiver?.handle(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/gpuaas`;
    receiver = new WebhookReceiver(server, url, answer);
    return receiver;
  }

  answerWith(answer: (n: number) => Answer): void {
    this.answer = answer;
  }

  private handle(
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
    res: import('node:http').ServerResponse,
  ) {
    const verified: Record<string, boolean> = {};
    let json: Received['json'];
    for (const secret of this.secrets) {
      try {
        json = new Webhook(secret).verify(
          body,
          headers as Record<string, string>,
        ) as Received['json'];
        verified[secret] = true;
      } catch {
        verified[secret] = false;
      }
    }
    this.received.push({
      path,
      headers,
      body,
      at: Date.now(),
      verified,
      ...(json ? { json } : {}),
    });
    const answer = this.answer(this.received.length);
    const reply = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    };
    if (answer.delayMs === Number.POSITIVE_INFINITY) {
      this.hanging.add(() => res.destroy());
      return;
    }
    if (answer.delayMs) setTimeout(reply, answer.delayMs);
    else reply();
  }

  /** Requests carrying this webhook id. */
  withId(id: string): Received[] {
    return this.received.filter((r) => r.headers['webhook-id'] === id);
  }

  async close(): Promise<void> {
    for (const cut of this.hanging) cut();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
