import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushDelivery {
  /** Which receiver got it: a consumer name or `replay`. */
  receiver: string;
  path: string;
  subscription: string;
  messageId: string;
  /** `message.data`, decoded from base64 as UTF-8. */
  data: string;
  attributes: Record<string, string>;
}

export interface PushReceivers {
  urls: Record<string, string>;
  deliveries: PushDelivery[];
  close(): Promise<void>;
}

interface PushBody {
  subscription?: string;
  message?: {
    messageId?: string;
    message_id?: string;
    data?: string;
    attributes?: Record<string, string>;
  };
}

/** One loopback HTTP server per name, standing in for the apps: records each push, answers 204. */
export async function startPushReceivers(names: readonly string[]): Promise<PushReceivers> {
  const deliveries: PushDelivery[] = [];
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const receiver of names) {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as PushBody;
        deliveries.push({
          receiver,
          path: request.url ?? '',
          subscription: body.subscription ?? '',
          messageId: body.message?.messageId ?? body.message?.message_id ?? '',
          data: Buffer.from(body.message?.data ?? '', 'base64').toString('utf8'),
          attributes: body.message?.attributes ?? {},
        });
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[receiver] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    urls,
    deliveries,
    close: async () => {
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    },
  };
}
