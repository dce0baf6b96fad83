import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  data: string;
  attributes: Record<string, string>;
}

/** A push endpoint standing in for an app not under test: records and acknowledges. */
export class PushRecorder {
  readonly received: Received[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<PushRecorder> {
    let recorder: PushRecorder | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const { message } = JSON.parse(body) as {
          message: { data?: string; attributes?: Record<string, string> };
        };
        recorder?.received.push({
          path: req.url ?? '',
          data: Buffer.from(message.data ?? '', 'base64').toString(),
          attributes: message.attributes ?? {},
        });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    recorder = new PushRecorder(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    return recorder;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
