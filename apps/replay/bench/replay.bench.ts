// Replay throughput on the real emulators: N archived dead letters republished by a replay task
// and processed by their consumer, beside a bare pull-and-publish loop over N dead letters to
// the same consumer in the same run. Both are timed until the consumer has processed all N.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Message } from '@google-cloud/pubsub';
import { examples } from '@gpuaas/contracts';
import { defineSubscription, encodeEvent } from '@gpuaas/eventing';
import { TestBus } from '@gpuaas/eventing/testing';
import { acquireSharedEmulators, waitFor } from '@gpuaas/testkit';
import { archivePushPath } from '@gpuaas/topology/services';
import { loadReplayConfig } from '../src/config';
import { replayService } from '../src/service';
import { DEAD_LETTERS } from '../src/store/collections';

const ACTIVE = 'gpuaas.provisioning.active';
const SUBSCRIPTION = `${ACTIVE}.billing-worker`;
const DLQ = 'billing-worker.dlq';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);

/** Dead letters as billing-worker's runtime publishes them: the original plus why. */
function deadLetters(count: number, tag: string) {
  return Array.from({ length: count }, (_, i) => {
    const message = encodeEvent(
      ACTIVE,
      { ...examples[ACTIVE], allocation_id: `alloc-${tag}-${i}-${randomUUID()}` },
      'provisioning-worker',
      { correlationId: `bench-${tag}-${i}` },
    );
    return {
      data: message.data,
      attributes: {
        ...message.attributes,
        dlq_reason: 'handler_rejected',
        dlq_detail: 'bench',
        dlq_tag: tag,
        source_subscription: SUBSCRIPTION,
        source_message_id: randomUUID(),
        dead_lettered_at: new Date().toISOString(),
      },
    };
  });
}

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  const bus = await TestBus.start('bench-replay');
  try {
    // The consumer both runs feed: the eventing runtime, one small transaction per event.
    const consumer = await bus.serve(
      {
        config: bus.config('billing-worker'),
        subscriptions: [
          defineSubscription({
            consumer: 'billing-worker',
            eventType: ACTIVE,
            async handle(event, ctx) {
              ctx.tx.set(
                ctx.firestore.collection('bench_applied').doc(event.payload.allocation_id),
                {
                  at: event.occurred_at,
                },
              );
            },
          }),
        ],
      },
      { ackDeadlineSeconds: 60 },
    );
    const processed = () =>
      Object.entries(consumer.service.metrics.snapshot())
        .filter(([key]) => key.startsWith(`${SUBSCRIPTION}|processed|`))
        .reduce((sum, [, n]) => sum + n, 0);
    const untilProcessed = (target: number) =>
      waitFor(() => processed() >= target, { timeoutMs: 600_000, intervalMs: 20 });

    // The replay service and its archive subscription on billing-worker's dead-letter topic.
    const config = loadReplayConfig({
      SERVICE_NAME: 'replay',
      GCP_PROJECT_ID: bus.projectId,
      PUSH_AUTH: 'off',
      OPERATOR_AUTH: 'off',
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const replay = await bus.serve(replayService(config), false);
    const [dlq] = await bus.pubsub.topic(DLQ).get({ autoCreate: true });
    const archived = bus.firestore
      .collection(DEAD_LETTERS)
      .where('consumer', '==', 'billing-worker');
    await dlq.createSubscription('billing-worker.dlq.archive', {
      pushConfig: { pushEndpoint: `${replay.url}${archivePushPath('billing-worker')}` },
      ackDeadlineSeconds: 60,
    });
    // The bare loop pulls from a dead-letter topic of its own: the emulator ignores filters.
    const BARE_DLQ = 'billing-worker.dlq.bench';
    const [bareTopic] = await bus.pubsub.topic(BARE_DLQ).get({ autoCreate: true });
    const [bare] = await bareTopic.createSubscription(`${BARE_DLQ}.pull`, {
      ackDeadlineSeconds: 60,
    });

    const publishAll = async (letters: ReturnType<typeof deadLetters>, topicName = DLQ) => {
      const topic = bus.pubsub.topic(topicName, {
        batching: { maxMessages: 500, maxMilliseconds: 10 },
      });
      await Promise.all(letters.map((letter) => topic.publishMessage(letter)));
    };

    // 1. Archive N dead letters for the replay (not timed), then N for the bare loop.
    await publishAll(deadLetters(MESSAGES, 'archive'));
    await waitFor(async () => (await archived.count().get()).data().count >= MESSAGES, {
      timeoutMs: 600_000,
      intervalMs: 500,
    });
    const bareLetters = deadLetters(MESSAGES, 'bare');

    // 2. The bare loop: pull each dead letter, publish its data and attributes back, ack.
    const target = bus.pubsub.topic(ACTIVE, { batching: { maxMessages: 100, maxMilliseconds: 5 } });
    let baseline = 0;
    {
      const before = processed();
      await publishAll(bareLetters, BARE_DLQ);
      const started = performance.now();
      bare.setOptions({ flowControl: { maxMessages: 1000, allowExcessMessages: false } });
      bare.on('message', (message: Message) => {
        const {
          dlq_reason,
          dlq_detail,
          dlq_tag,
          source_subscription,
          source_message_id,
          dead_lettered_at,
          ...original
        } = message.attributes;
        target
          .publishMessage({
            data: message.data,
            attributes: {
              ...original,
              replay_target: SUBSCRIPTION,
              replay_id: 'bare',
              replay_count: '1',
            },
          })
          .then(
            () => message.ack(),
            () => message.nack(),
          );
      });
      await untilProcessed(before + MESSAGES);
      baseline = MESSAGES / ((performance.now() - started) / 1000);
      await bare.close();
    }

    // 3. The replay task: every archived letter by filter, as fast as the service allows.
    let ours = 0;
    let phases = '';
    {
      const before = processed();
      const started = performance.now();
      const res = await fetch(`${replay.url}/v1/replays`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filter: { consumer: 'billing-worker' }, rate_per_second: 5000 }),
      });
      if (res.status !== 201)
        throw new Error(`replay not created: ${res.status} ${await res.text()}`);
      const created = (await res.json()) as { id: string; counts: { to_move: number } };
      const createdMs = performance.now() - started;
      if (created.counts.to_move !== MESSAGES) {
        throw new Error(`the replay plans ${created.counts.to_move} of ${MESSAGES} letters`);
      }
      let movedMs = 0;
      const moved = (async () => {
        await waitFor(
          async () => {
            const r = await fetch(`${replay.url}/v1/replays/${created.id}`).then((x) => x.json());
            return (r as { status: string }).status === 'completed';
          },
          { timeoutMs: 600_000, intervalMs: 100 },
        );
        movedMs = performance.now() - started;
      })();
      await untilProcessed(before + MESSAGES);
      ours = MESSAGES / ((performance.now() - started) / 1000);
      await moved;
      phases = `planned in ${(createdMs / 1000).toFixed(1)} s, all published and confirmed at ${(movedMs / 1000).toFixed(1)} s, all processed at ${(MESSAGES / ours).toFixed(1)} s`;
      const status = await fetch(`${replay.url}/v1/replays/${created.id}`).then((r) => r.json());
      if ((status as { counts: { moved: number } }).counts.moved !== MESSAGES) {
        throw new Error(
          `the replay moved ${JSON.stringify((status as { counts: unknown }).counts)}`,
        );
      }
    }

    console.log(
      `\nreplay benchmark: ${MESSAGES} dead letters each, Pub/Sub and Firestore emulators\n`,
    );
    console.log(`${'name'.padEnd(54)} ${'msg/s'.padStart(8)}`);
    console.log(
      `${'bare pull-and-publish loop (to the consumer)'.padEnd(54)} ${baseline.toFixed(0).padStart(8)}`,
    );
    console.log(
      `${'replay task from the archive (to the consumer)'.padEnd(54)} ${ours.toFixed(0).padStart(8)}`,
    );
    console.log(`replay task: ${phases}`);
    const ratio = ours / baseline;
    console.log(
      `\nreplay throughput vs bare loop: ${ratio.toFixed(2)}x (target >= 0.80x) ${ratio >= 0.8 ? 'MET' : 'MISSED'}`,
    );
  } finally {
    await bus.close();
    await emulators.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
