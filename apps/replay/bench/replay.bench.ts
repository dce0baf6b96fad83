// Replay throughput on the real emulators: N archived dead letters republished by a replay task
// and processed by their consumer, beside a bare pull-and-publish loop over N dead letters to
// the same consumer in the same run. Both are timed until the consumer has processed all N.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Message } from '@google-cloud/pubsub';
import { examples } from '@gpuaas/contracts';
import { defineSubscription, encodeEvent } from '@gpuaas/eventing';
import { TestBus } from '@gpuaas/eventing/testing';
import { acquireSharedEmulators, figure, recordBenchFigures, waitFor } from '@gpuaas/testkit';
import { archivePushPath } from '@gpuaas/topology/services';
import { loadReplayConfig } from '../src/config';
import { replayService } from '../src/service';
import { DEAD_LETTERS } from '../src/store/collections';

const ACTIVE = 'gpuaas.provisioning.active';
const SUBSCRIPTION = `${ACTIVE}.billing-worker`;
const DLQ = 'billing-worker.dlq';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const ROUNDS = 2;
const RATE = Number(process.env.BENCH_REPLAY_RATE ?? 5000);

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
    await bareTopic.createSubscription(`${BARE_DLQ}.pull`, { ackDeadlineSeconds: 60 });

    const publishAll = async (letters: ReturnType<typeof deadLetters>, topicName = DLQ) => {
      const topic = bus.pubsub.topic(topicName, {
        batching: { maxMessages: 500, maxMilliseconds: 10 },
      });
      await Promise.all(letters.map((letter) => topic.publishMessage(letter)));
    };

    const target = bus.pubsub.topic(ACTIVE, { batching: { maxMessages: 100, maxMilliseconds: 5 } });

    /** The bare loop: pull each dead letter, publish its data and attributes back, ack. */
    const bareRun = async (round: number): Promise<number> => {
      const before = processed();
      await publishAll(deadLetters(MESSAGES, `bare-${round}`), BARE_DLQ);
      const started = performance.now();
      const [subscription] = await bareTopic.subscription(`${BARE_DLQ}.pull`).get();
      subscription.setOptions({ flowControl: { maxMessages: 1000, allowExcessMessages: false } });
      subscription.on('message', (message: Message) => {
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
      const seconds = (performance.now() - started) / 1000;
      await subscription.close();
      return seconds;
    };

    /** The replay task: every parked letter of the consumer, by filter, at the highest rate. */
    const replayRun = async (round: number): Promise<number> => {
      await publishAll(deadLetters(MESSAGES, `archive-${round}`));
      await waitFor(
        async () => (await archived.count().get()).data().count >= MESSAGES * (round + 1),
        {
          timeoutMs: 600_000,
          intervalMs: 500,
        },
      );
      const before = processed();
      const started = performance.now();
      const res = await fetch(`${replay.url}/v1/replays`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filter: { consumer: 'billing-worker' }, rate_per_second: RATE }),
      });
      if (res.status !== 201)
        throw new Error(`replay not created: ${res.status} ${await res.text()}`);
      const created = (await res.json()) as { id: string; counts: { to_move: number } };
      const plannedMs = performance.now() - started;
      if (created.counts.to_move !== MESSAGES) {
        throw new Error(`the replay plans ${created.counts.to_move} of ${MESSAGES} letters`);
      }
      let publishedMs = 0;
      const published = waitFor(
        async () => {
          const r = (await fetch(`${replay.url}/v1/replays/${created.id}`).then((x) =>
            x.json(),
          )) as {
            status: string;
          };
          return r.status === 'completed';
        },
        { timeoutMs: 600_000, intervalMs: 100 },
      ).then(() => {
        publishedMs = performance.now() - started;
      });
      await untilProcessed(before + MESSAGES);
      const seconds = (performance.now() - started) / 1000;
      await published;
      const status = (await fetch(`${replay.url}/v1/replays/${created.id}`).then((r) =>
        r.json(),
      )) as {
        counts: { moved: number };
      };
      if (status.counts.moved !== MESSAGES)
        throw new Error(`the replay moved ${JSON.stringify(status.counts)}`);
      phases.push(
        `round ${round + 1}: planned in ${(plannedMs / 1000).toFixed(1)} s, all published at ${(publishedMs / 1000).toFixed(1)} s, all processed at ${seconds.toFixed(1)} s`,
      );
      return seconds;
    };

    // Rounds alternate which side goes first, so neither profits from a warmer emulator.
    const phases: string[] = [];
    let bareSeconds = 0;
    let replaySeconds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        bareSeconds += await bareRun(round);
        replaySeconds += await replayRun(round);
      } else {
        replaySeconds += await replayRun(round);
        bareSeconds += await bareRun(round);
      }
    }
    const baseline = (MESSAGES * ROUNDS) / bareSeconds;
    const ours = (MESSAGES * ROUNDS) / replaySeconds;

    console.log(
      `\nreplay benchmark: ${ROUNDS} rounds of ${MESSAGES} dead letters each side, Pub/Sub and Firestore emulators\n`,
    );
    console.log(`${'name'.padEnd(54)} ${'msg/s'.padStart(8)}`);
    console.log(
      `${'bare pull-and-publish loop (to the consumer)'.padEnd(54)} ${baseline.toFixed(0).padStart(8)}`,
    );
    console.log(
      `${'replay task from the archive (to the consumer)'.padEnd(54)} ${ours.toFixed(0).padStart(8)}`,
    );
    for (const line of phases) console.log(`replay task ${line}`);
    const ratio = ours / baseline;
    recordBenchFigures('replay', [
      figure('replay task: dead letters replayed to their consumer/s', ours, '/s', {
        name: 'bare pull-and-publish loop to the consumer, messages/s',
        value: baseline,
      }),
    ]);
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
