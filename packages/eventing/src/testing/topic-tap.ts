import { randomUUID } from 'node:crypto';
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { waitFor } from '@gpuaas/testkit';

/** A message as a tap captured it. */
export interface Captured {
  data: string;
  attributes: Record<string, string>;
  /** The envelope, when the data is JSON. */
  json?: { event_id?: string; event_type?: string; payload?: Record<string, unknown> };
}

/** Collects what arrives on a topic, through a real pull subscription on the emulator. */
export class TopicTap {
  readonly received: Captured[] = [];
  private constructor(private readonly subscription: Subscription) {}

  static async open(pubsub: PubSub, topic: string): Promise<TopicTap> {
    const [t] = await pubsub.topic(topic).get({ autoCreate: true });
    const [sub] = await t.createSubscription(`${topic}.tap-${randomUUID().slice(0, 8)}`);
    const tap = new TopicTap(sub);
    sub.on('message', (message: Message) => {
      const data = message.data.toString();
      let json: Captured['json'];
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
      tap.received.push({ data, attributes: { ...message.attributes }, json });
      message.ack();
    });
    return tap;
  }

  /** Messages whose data or attributes satisfy `match`. */
  where(match: (message: Captured) => boolean): Captured[] {
    return this.received.filter(match);
  }

  async waitForCount(count: number, timeoutMs = 10_000): Promise<Captured[]> {
    await waitFor(() => this.received.length >= count, { timeoutMs, intervalMs: 50 });
    return this.received;
  }

  /** Waits for a first message matching `match` and returns it. */
  async waitFor(match: (message: Captured) => boolean, timeoutMs = 10_000): Promise<Captured> {
    return waitFor(() => this.received.find(match), {
      timeoutMs,
      intervalMs: 50,
      message: 'a matching message on the tap',
    });
  }

  async close(): Promise<void> {
    await this.subscription.close();
  }
}
