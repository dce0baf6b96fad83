/** Money for people: `$4.80`, `€12.00`, `¥300` (integer micros in, the currency's own digits out). */
export function formatMoney(micros: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(micros / 1e6);
  } catch {
    return `${(micros / 1e6).toFixed(2)} ${currency}`;
  }
}

/** `2026-01-15 18:02 UTC`: minutes are what a person acts on. */
export function formatTime(rfc3339: string): string {
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) return rfc3339;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `1 allocation`, `3 allocations`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
