import type { Channel, NotificationKind, RoutableKind } from './notification';

/** A user's choice of channels: one default, and per kind where they want otherwise. */
export interface ChannelPreferences {
  channels: readonly Channel[];
  eventChannels: Partial<Record<RoutableKind, readonly Channel[]>>;
}

export const DEFAULT_PREFERENCES: ChannelPreferences = { channels: ['in_app'], eventChannels: {} };

/** The channels a notification of `kind` goes to, each once, in a stable order. */
export function channelsFor(kind: NotificationKind, preferences: ChannelPreferences): Channel[] {
  // Telling a user their webhook stopped cannot go through that webhook.
  if (kind === 'webhook.endpoint_disabled') return ['in_app'];
  const chosen = preferences.eventChannels[kind] ?? preferences.channels;
  return (['in_app', 'webhook'] as const).filter((channel) => chosen.includes(channel));
}
