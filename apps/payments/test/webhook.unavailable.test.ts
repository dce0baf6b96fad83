import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDITED, PaymentsHarness } from './harness';
import { checkoutEvent } from './stripe-events';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await PaymentsHarness.start();
});
afterAll(() => h.close());

/** A Firestore client of this project pointed at a closed port: every call fails UNAVAILABLE. */
async function unreachableFirestore(projectId: string): Promise<Firestore> {
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  // The client lets the env var override an explicit host; lift it for this one client.
  delete process.env.FIRESTORE_EMULATOR_HOST;
  try {
    const { Firestore } = await import('@google-cloud/firestore');
    return new Firestore({
      projectId,
      host: '127.0.0.1:9',
      ssl: false,
      credentials: { client_email: 'x@example.com', private_key: 'unused' },
    });
  } finally {
    process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  }
}

describe('Firestore unavailable during a webhook', () => {
  it('answers 5xx so Stripe retries, and the retried delivery credits once', async () => {
    const userId = await h.createUser(`user-${randomUUID().slice(0, 12)}`);
    const event = checkoutEvent({ userId, amountTotal: 1500 });
    const down = h.createService(
      { STRIPE_WEBHOOK_DEADLINE_SECONDS: '2' },
      await unreachableFirestore(h.bus.projectId),
    );

    const failed = await h.deliver(event, {}, down);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await h.doc('stripeEvents', event.id)).toBeUndefined();
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);

    // Stripe's retry, re-signed later as Stripe does, reaches a healthy instance.
    const retried = await h.deliver(event);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ outcome: 'credited' });
    const again = await h.deliver(event);
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' });

    expect(await h.ledger.userBalance(userId, 'USD')).toBe(15_000_000);
    expect(await h.emitted(CREDITED, event.id)).toHaveLength(1);
    const report = await h.ledger.check();
    expect(report.ok).toBe(true);
  });
});
