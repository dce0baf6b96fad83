import type { NotificationLink } from './notification';

/** Where notification links point: the user console; relative links without one. */
export interface LinkOptions {
  consoleUrl?: string | undefined;
}

/** The most allocation links one notification carries (a depletion can stop many). */
const MAX_ALLOCATION_LINKS = 10;

export interface Links {
  allocation(allocationId: string): NotificationLink;
  allocations(allocationIds: readonly string[]): NotificationLink[];
  balance(): NotificationLink;
  settings(): NotificationLink;
}

export function createLinks(options: LinkOptions): Links {
  const base = (options.consoleUrl ?? '').replace(/\/+$/, '');
  const allocation = (id: string): NotificationLink => ({
    rel: 'allocation',
    href: `${base}/allocations/${encodeURIComponent(id)}`,
  });
  return {
    allocation,
    allocations: (ids) => ids.slice(0, MAX_ALLOCATION_LINKS).map(allocation),
    balance: () => ({ rel: 'balance', href: `${base}/billing/balance` }),
    settings: () => ({ rel: 'settings', href: `${base}/settings/notifications` }),
  };
}
