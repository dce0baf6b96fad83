import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';

type Env = Record<string, string | undefined>;

/**
 * Firestore for a project. On the emulator (FIRESTORE_EMULATOR_HOST) the universe domain is set
 * up front, so the client skips its credential lookup and the GCE metadata probe that prints a
 * MetadataLookupWarning at every start.
 */
export function firestoreFor(projectId: string, env: Env = process.env): Firestore {
  return env.FIRESTORE_EMULATOR_HOST
    ? new Firestore({ projectId, universeDomain: 'googleapis.com' })
    : new Firestore({ projectId });
}

/** Pub/Sub for a project; on the emulator (PUBSUB_EMULATOR_HOST) as quiet as Firestore. */
export function pubsubFor(projectId: string, env: Env = process.env): PubSub {
  const host = env.PUBSUB_EMULATOR_HOST;
  return host
    ? new PubSub({
        projectId,
        apiEndpoint: host,
        emulatorMode: true,
        universeDomain: 'googleapis.com',
      })
    : new PubSub({ projectId });
}
