import { FormatRegistry } from '@sinclair/typebox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Uppercase T and Z only: "UTC" in our contract means a literal Z suffix, never an offset.
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** RFC 3339 UTC timestamp that names a real instant (no Feb 30, no leap second: JS Dates cannot hold one). */
export function isRfc3339Utc(value: string): boolean {
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

/** The custom formats our schemas use; hand them to Ajv (`ajv.addFormat(name, fn)`) to validate identically. */
export const formats = {
  uuid: isUuid,
  'date-time': isRfc3339Utc,
} as const satisfies Record<string, (value: string) => boolean>;

for (const [name, check] of Object.entries(formats)) FormatRegistry.Set(name, check);
