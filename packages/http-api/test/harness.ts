import { Writable } from 'node:stream';
import type { Firestore } from '@google-cloud/firestore';
import { firestoreClient, uniqueProjectId } from '@gpuaas/testkit';
import type { Hono } from 'hono';
import pino from 'pino';
import {
  createApi,
  createOperatorVerifier,
  createUserRegistry,
  type IdempotencyOptions,
  type Route,
  registryRoutes,
  type UserRegistry,
  type VerifyOperator,
} from '../src/index';
import { type NotesControl, notesRoutes } from './notes-routes';
import { OPERATOR_AUDIENCE, OPERATOR_EMAIL, OperatorTokens } from './operator-tokens';

export interface HarnessOptions {
  idempotency?: Omit<IdempotencyOptions, 'firestore'>;
  bodyLimitBytes?: number;
  /** Replaces the Google verifier, e.g. with the local one. */
  operators?: VerifyOperator;
}

export interface CallOptions {
  auth?: string;
  body?: unknown;
  /** Sent as is, instead of JSON of `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One Firestore project on the emulator per test file; the API over the real registry. */
export class Harness {
  readonly logs: Record<string, unknown>[] = [];
  readonly control: NotesControl = { runs: 0 };
  app!: Hono;
  routes!: Route[];

  private constructor(
    readonly projectId: string,
    readonly firestore: Firestore,
    readonly registry: UserRegistry,
    readonly tokens: OperatorTokens,
  ) {}

  static async init(options: HarnessOptions = {}): Promise<Harness> {
    const projectId = uniqueProjectId('http-api');
    const firestore = firestoreClient(projectId);
    const h = new Harness(
      projectId,
      firestore,
      createUserRegistry(firestore),
      await OperatorTokens.start(),
    );
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          h.logs.push(JSON.parse(chunk.toString()));
          done();
        },
      }),
    );
    h.routes = [...registryRoutes(h.registry), ...notesRoutes(firestore, h.control)];
    h.app = createApi({
      title: 'Notes API',
      version: '1.0.0',
      description: 'A test API',
      routes: h.routes,
      principals: {
        users: h.registry,
        operators:
          options.operators ??
          createOperatorVerifier({
            audience: OPERATOR_AUDIENCE,
            allowList: [OPERATOR_EMAIL],
            certsUrl: h.tokens.certsUrl,
          }),
      },
      logger,
      idempotency: { firestore, ...options.idempotency },
      ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    });
    return h;
  }

  operatorToken(overrides: Record<string, unknown> = {}): string {
    return `Bearer ${this.tokens.mint(overrides)}`;
  }

  /** A fresh user and its key, created through the operator API as an app's operator would. */
  async user(): Promise<{ userId: string; apiKey: string; keyId: string; auth: string }> {
    const res = await this.call('POST', '/v1/admin/users', {
      auth: this.operatorToken(),
      body: {},
    });
    if (res.status !== 201)
      throw new Error(`user creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    const body = res.body as { user_id: string; api_key: string; key_id: string };
    return {
      userId: body.user_id,
      apiKey: body.api_key,
      keyId: body.key_id,
      auth: `Bearer ${body.api_key}`,
    };
  }

  async call(method: string, path: string, options: CallOptions = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = options.auth;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (
      body !== undefined &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
    const res = await this.app.request(path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    const parsed: unknown = text && contentType.includes('json') ? JSON.parse(text) : text;
    return {
      status: res.status,
      headers: res.headers,
      contentType,
      body: parsed as Record<string, unknown>,
    };
  }

  async close(): Promise<void> {
    await this.tokens.close();
    await this.firestore.terminate();
  }
}

export const note = (overrides: Record<string, unknown> = {}) => ({
  title: 'train the model',
  priority: 3,
  kind: 'todo',
  ...overrides,
});
