import { Firestore } from '@google-cloud/firestore';
import { emulatorHost } from './emulator-host';
import { TestkitError } from './errors';

/**
 * A real Firestore client on the emulator. With ssl: false the library uses an insecure channel
 * and sends "Authorization: Bearer owner" (emulator admin) instead of credentials.
 */
export function firestoreClient(projectId: string, host?: string): Firestore {
  const resolved = emulatorHost('firestore', host);
  const fromEnv = process.env.FIRESTORE_EMULATOR_HOST;
  // The library lets FIRESTORE_EMULATOR_HOST override `host`: refuse rather than silently talk elsewhere.
  if (fromEnv && fromEnv !== resolved) {
    throw new TestkitError(
      `firestoreClient: FIRESTORE_EMULATOR_HOST=${fromEnv} would override host ${resolved} inside @google-cloud/firestore`,
    );
  }
  return new Firestore({
    projectId,
    host: resolved,
    ssl: false,
    // Known up front, so gax skips the credential lookup (and its GCE metadata probe and warning).
    universeDomain: 'googleapis.com',
  });
}
