import { PubSub } from '@google-cloud/pubsub';
import { emulatorHost } from './emulator-host';

/** A real PubSub client on the emulator; apiEndpoint beats PUBSUB_EMULATOR_HOST in the library. */
export function pubsubClient(projectId: string, host?: string): PubSub {
  return new PubSub({
    projectId,
    apiEndpoint: emulatorHost('pubsub', host),
    // Insecure channel, no credentials; must be explicit because universeDomain is set.
    emulatorMode: true,
    // Known up front, so gax skips the credential lookup (and its GCE metadata probe and warning).
    universeDomain: 'googleapis.com',
  });
}
