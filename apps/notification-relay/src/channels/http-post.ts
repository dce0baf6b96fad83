import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isNonPublicAddress } from '../domain/address-guard';
import type { AttemptResult } from '../domain/attempt-outcome';
import { parseRetryAfter } from '../domain/retry-after';

/** An attempt's answer, with what the audit trail keeps of it. */
export type PostResult = AttemptResult & {
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
};

export type Post = (
  url: string,
  body: string,
  headers: Record<string, string>,
) => Promise<PostResult>;

export interface HttpPostOptions {
  timeoutMs: number;
  /** Local runs only: let endpoints resolve to loopback and private addresses. */
  allowPrivateNetworks: boolean;
  now?: () => Date;
}

const EXCERPT_CHARS = 512;
/** An answer body is read this far, then dropped: nobody needs more, and it must not fill memory. */
const READ_LIMIT_BYTES = 16 * 1024;

class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED';
}

/** A DNS lookup that refuses non-public addresses, checked on the address actually connected to. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isNonPublicAddress(a.address));
    if (refused) {
      return callback(new AddressRefusedError(`${hostname} resolves to ${refused.address}`), '', 0);
    }
    if (options.all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs with one timeout over the whole attempt, never following redirects, keeping the status,
 * `Retry-After` and the first bytes of the answer. Never throws: every failure is a result.
 */
export function createHttpPost(options: HttpPostOptions): Post {
  const now = options.now ?? (() => new Date());
  return function post(url, body, headers) {
    const started = Date.now();
    const done = (
      result: AttemptResult,
      excerpt: string | null,
      error: string | null,
    ): PostResult => ({
      ...result,
      durationMs: Date.now() - started,
      responseExcerpt: excerpt,
      error,
    });
    return new Promise<PostResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve(done({ kind: 'network_error', detail: 'invalid URL' }, null, 'invalid URL'));
        return;
      }
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (!options.allowPrivateNetworks && isIP(host) && isNonPublicAddress(host)) {
        const detail = `${host} is not a public address`;
        resolve(done({ kind: 'address_refused', detail }, null, detail));
        return;
      }
      const signal = AbortSignal.timeout(options.timeoutMs);
      const requestOptions: RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup }),
      };
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, requestOptions, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < READ_LIMIT_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= READ_LIMIT_BYTES) res.destroy();
        });
        const finish = () => {
          const statusCode = res.statusCode ?? 0;
          const header = res.headers['retry-after'];
          const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
          resolve(
            done(
              { kind: 'answered', statusCode, retryAfterMs: parseRetryAfter(header, now()) },
              excerpt || null,
              null,
            ),
          );
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (signal.aborted) {
          resolve(done({ kind: 'timeout' }, null, `no answer within ${options.timeoutMs}ms`));
        } else if (error instanceof AddressRefusedError || error.code === 'EADDRREFUSED') {
          resolve(done({ kind: 'address_refused', detail: error.message }, null, error.message));
        } else {
          const detail = error.code ? `${error.code}: ${error.message}` : error.message;
          resolve(done({ kind: 'network_error', detail }, null, detail));
        }
      });
      req.end(body);
    });
  };
}
