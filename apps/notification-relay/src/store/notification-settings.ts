import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
import type { DisabledReason } from '../domain/endpoint-health';
import type { Channel, RoutableKind } from '../domain/notification';
import { type ChannelPreferences, DEFAULT_PREFERENCES } from '../domain/preferences';
import { NOTIFICATION_SETTINGS } from './collections';

/** A signing secret (`whsec_` + base64 key); several sign at once while one is rotated out. */
export interface WebhookSecretRecord {
  secret: string;
  created_at: Timestamp;
  /** Null for the current secret; a rotated-out one signs until then. */
  expires_at: Timestamp | null;
}

/** The user's customer endpoint. */
export interface WebhookEndpointRecord {
  url: string;
  status: 'enabled' | 'disabled';
  disabled_reason: DisabledReason | null;
  disabled_at: Timestamp | null;
  /** Since when every attempt failed; null after any success. */
  failing_since: Timestamp | null;
  /** Newest first. */
  secrets: WebhookSecretRecord[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `notification_settings/{user_id}`; absent means the defaults (in-app only). */
export interface NotificationSettingsDoc {
  user_id: string;
  channels: Channel[];
  event_channels: Partial<Record<RoutableKind, Channel[]>>;
  webhook: WebhookEndpointRecord | null;
  updated_at: Timestamp;
}

export const settingsRef = (firestore: Firestore, userId: string) =>
  firestore
    .collection(NOTIFICATION_SETTINGS)
    .doc(userId) as DocumentReference<NotificationSettingsDoc>;

export function preferencesOf(doc: NotificationSettingsDoc | undefined): ChannelPreferences {
  if (!doc) return DEFAULT_PREFERENCES;
  return { channels: doc.channels, eventChannels: doc.event_channels ?? {} };
}

/** Secrets that sign at `now`, newest first. */
export function signingSecrets(endpoint: WebhookEndpointRecord, now: Timestamp): string[] {
  return endpoint.secrets
    .filter((s) => s.expires_at === null || s.expires_at.toMillis() > now.toMillis())
    .map((s) => s.secret);
}
