import type { Firestore } from '@google-cloud/firestore';
import type { Service } from '@gpuaas/eventing';
import { TestBus, type TopicTap } from '@gpuaas/eventing/testing';
import { createUserRegistry, type VerifyOperator } from '@gpuaas/http-api';
import { createLedger, type Ledger } from '@gpuaas/ledger';
import { loadPaymentsConfig, type PaymentsConfig } from '../src/config';
import { paymentsService } from '../src/service';
import { COLLECTIONS } from '../src/store/collections';
import { type SignOptions, signed, WEBHOOK_SECRET } from './stripe-events';

export const CREDITED = 'platform.payments.balance_credited';
export const FAILED = 'platform.payments.reconcile_failed';

/** One project on the shared emulators, the payments service on it, taps on what it emits. */
export class PaymentsHarness {
  private constructor(
    readonly bus: TestBus,
    readonly config: PaymentsConfig,
    readonly service: Service,
    readonly credited: TopicTap,
    readonly failed: TopicTap,
    readonly ledger: Ledger,
  ) {}

  static async start(env: Record<string, string> = {}, operators?: VerifyOperator) {
    const bus = await TestBus.start('payments');
    const config = paymentsConfig(bus, env);
    // Taps first: a topic without a subscription drops what is published to it.
    const credited = await bus.tap(CREDITED);
    const failed = await bus.tap(FAILED);
    const service = bus.create(paymentsService(config, operators ? { operators } : {}));
    return new PaymentsHarness(
      bus,
      config,
      service,
      credited,
      failed,
      createLedger({ firestore: bus.firestore }),
    );
  }

  get firestore(): Firestore {
    return this.bus.firestore;
  }

  async createUser(userId: string): Promise<string> {
    await createUserRegistry(this.firestore).createUser({ user_id: userId }, 'test');
    return userId;
  }

  /** POSTs a signed event to the webhook, as Stripe would. */
  deliver(event: unknown, options: SignOptions = {}, service: Service = this.service) {
    const { payload, header } = signed(event, options);
    return postWebhook(service, payload, header);
  }

  /** Events committed to the outbox under an idempotency key: exactly what was ever emitted. */
  async emitted(topic: string, idempotencyKey: string) {
    const snap = await this.firestore
      .collection('outbox')
      .where('topic', '==', topic)
      .where('attributes.idempotency_key', '==', idempotencyKey)
      .get();
    return snap.docs.map((doc) => doc.data());
  }

  async count(collection: keyof typeof COLLECTIONS): Promise<number> {
    const snap = await this.firestore.collection(COLLECTIONS[collection]).count().get();
    return snap.data().count;
  }

  async doc(collection: keyof typeof COLLECTIONS, id: string) {
    return (await this.firestore.collection(COLLECTIONS[collection]).doc(id).get()).data();
  }

  /** Another instance of the service on the same project (closed with the harness). */
  createService(env: Record<string, string> = {}, firestore?: Firestore): Service {
    const options = paymentsService(paymentsConfig(this.bus, env));
    return this.bus.create(firestore ? { ...options, firestore } : options);
  }

  close() {
    return this.bus.close();
  }
}

export function paymentsConfig(bus: TestBus, env: Record<string, string> = {}): PaymentsConfig {
  return loadPaymentsConfig({
    SERVICE_NAME: 'payments',
    GCP_PROJECT_ID: bus.projectId,
    PUSH_AUTH: 'off',
    OPERATOR_AUTH: 'off',
    PORT: '0',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

export function postWebhook(
  service: { app: { request: Service['app']['request'] } },
  payload: string,
  header: string | undefined,
) {
  return service.app.request('/webhooks/stripe', {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(header !== undefined ? { 'stripe-signature': header } : {}),
    },
    body: payload,
  });
}
