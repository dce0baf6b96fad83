import { isIP } from 'node:net';
import { isNonPublicAddress } from './address-guard';

/** Why a customer endpoint URL is refused, or undefined when it is fine. */
export function refuseWebhookUrl(text: string, allowInsecure: boolean): string | undefined {
  if (!URL.canParse(text)) return 'must be an absolute URL';
  const url = new URL(text);
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    return 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  // `localhost.` is `localhost`: a trailing dot only makes the name absolute.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (!allowInsecure) {
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) {
      return 'must be a public host';
    }
    if (isIP(host) && isNonPublicAddress(host)) return 'must be a public address';
  }
  return undefined;
}
