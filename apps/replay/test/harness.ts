import type { ConsumerName } from '@gpuaas/contracts';
import { deadLetterTopicName } from '@gpuaas/contracts';
import type { AnySubscription } from '@gpuaas/eventing';
import { type ServedService, TestBus, type WireOptions } from '@gpuaas/eventing/testing';
import { archivePushPath } from '@gpuaas/topology/services';
import { loadReplayConfig, type ReplayConfig } from '../src/config';
import { type ReplayDeps, replayService } from '../src/service';

/** The replay service on its own project, with archive subscriptions and consumer services. */
export class ReplayHarness {
  private constructor(
    readonly bus: TestBus,
    readonly replay: ServedService,
    readonly config: ReplayConfig,
  ) {}

  static async start(
    prefix: string,
    env: Record<string, string> = {},
    deps: ReplayDeps = {},
  ): Promise<ReplayHarness> {
    const bus = await TestBus.start(prefix);
    const config = loadReplayConfig({
      SERVICE_NAME: 'replay',
      GCP_PROJECT_ID: bus.projectId,
      PUSH_AUTH: 'off',
      PORT: '0',
      ACK_DEADLINE_SECONDS: '10',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      OPERATOR_AUTH: 'off',
      REPLAY_RUNNER_LEASE_SECONDS: '5',
      ...env,
    });
    const replay = await bus.serve(replayService(config, deps), false);
    return new ReplayHarness(bus, replay, config);
  }

  /** Another instance of the replay service on this project (a restart, a second instance). */
  async replayInstance(deps: ReplayDeps = {}): Promise<ServedService> {
    return this.bus.serve(replayService(this.config, deps), false);
  }

  get firestore() {
    return this.bus.firestore;
  }

  /** `<consumer>.dlq.archive`: the consumer's dead-letter topic pushing into the archive. */
  async archiveSubscription(consumer: ConsumerName): Promise<void> {
    const [topic] = await this.bus.pubsub
      .topic(deadLetterTopicName(consumer))
      .get({ autoCreate: true });
    await topic.createSubscription(`${consumer}.dlq.archive`, {
      pushConfig: { pushEndpoint: `${this.replay.url}${archivePushPath(consumer)}` },
      ackDeadlineSeconds: 30,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
    });
  }

  /** A consumer service on this bus, its push subscriptions dead-lettering into `<consumer>.dlq`. */
  async consumer(
    service: string,
    subscriptions: AnySubscription[],
    wire: WireOptions = {},
  ): Promise<ServedService> {
    return this.bus.serve({ config: this.bus.config(service), subscriptions }, wire);
  }

  /** Calls the replay API over its socket. */
  async api<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.replay.url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
