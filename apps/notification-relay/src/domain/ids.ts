import { createHash } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Stable across redeliveries: derived from the delivery's dedupe record, never the event id. */
export const notificationId = (source: string, channel: string): string =>
  `ntf_${digest(`${source}|${channel}`)}`;

/** What the channel copies of one notification share. */
export const notificationGroupId = (source: string): string => `ntg_${digest(source)}`;

export const opsAlertId = (source: string): string => `opa_${digest(source)}`;

export const NOTIFICATION_ID_PATTERN = '^ntf_[0-9a-f]{32}$';
