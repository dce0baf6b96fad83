import { Timestamp } from '@google-cloud/firestore';

const FRACTION = /\.(\d{1,9})Z$/;

/** An RFC 3339 UTC string (already validated) as a Timestamp, keeping every fractional digit. */
export function timestampOf(rfc3339: string): Timestamp {
  const match = FRACTION.exec(rfc3339);
  const whole = match ? rfc3339.slice(0, match.index) : rfc3339.slice(0, -1);
  const seconds = Math.floor(Date.parse(`${whole}Z`) / 1000);
  const nanos = match ? Number((match[1] ?? '').padEnd(9, '0')) : 0;
  return new Timestamp(seconds, nanos);
}

/** The one canonical spelling of an instant: `Z`, and only as many fractional digits as it has. */
export function rfc3339Of(timestamp: Timestamp): string {
  const base = new Date(timestamp.seconds * 1000).toISOString().slice(0, 19);
  if (timestamp.nanoseconds === 0) return `${base}Z`;
  const fraction = String(timestamp.nanoseconds).padStart(9, '0').replace(/0+$/, '');
  return `${base}.${fraction}Z`;
}
