import { FormatRegistry } from '@sinclair/typebox';
import { ContractError } from './contract-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_LENGTH = 36;

// Uppercase T and Z only: "UTC" in our contract means a literal Z suffix, never an offset.
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;
// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: anything longer is refused before a regex sees it.
const RFC3339_UTC_MAX_LENGTH = 30;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isUuid(value: string): boolean {
  return value.length === UUID_LENGTH && UUID.test(value);
}

/** RFC 3339 UTC timestamp that names a real instant (no Feb 30, no leap second: JS Dates cannot hold one). */
export function isRfc3339Utc(value: string): boolean {
  if (value.length > RFC3339_UTC_MAX_LENGTH) return false;
  const match = RFC3339_UTC.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] ?? 0) + (leap ? 1 : 0)) return false;
  return Number(match[4]) <= 23 && Number(match[5]) <= 59 && Number(match[6]) <= 59;
}

/**
 * The one spelling of an RFC 3339 UTC instant: `YYYY-MM-DDTHH:MM:SS`, the fraction without
 * trailing zeros (none when zero), `Z`. Text only, no Date: nanosecond digits survive. Offsets
 * need no conversion because the contract accepts `Z` alone; anything else throws.
 */
export function canonicalTimestamp(text: string): string {
  if (!isRfc3339Utc(text)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}... (${text.length} characters)` : text;
    throw new ContractError('payload_invalid', [
      { path: '', message: `not an RFC 3339 UTC timestamp: ${JSON.stringify(shown)}` },
    ]);
  }
  const seconds = text.slice(0, 19);
  const fraction = text.slice(20, -1).replace(/0+$/, '');
  return fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`;
}

/** The custom formats our schemas use; hand them to Ajv (`ajv.addFormat(name, fn)`) to validate identically. */
export const formats = {
  uuid: isUuid,
  'date-time': isRfc3339Utc,
} as const satisfies Record<string, (value: string) => boolean>;

for (const [name, check] of Object.entries(formats)) FormatRegistry.Set(name, check);
