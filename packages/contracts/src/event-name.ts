/** `<domain>.<entity_or_process>.<action>`: three or more lowercase snake_case segments. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,}$/;

const DOT = 0x2e;
const UNDERSCORE = 0x5f;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * EVENT_NAME_PATTERN as a scan: the regex's quantified group overflows V8's regex stack on
 * a multi-megabyte dotted string, and event names arrive from the network.
 */
export function isValidEventName(name: string): boolean {
  let segments = 0;
  let atSegmentStart = true;
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    if (atSegmentStart) {
      if (!isLower(c)) return false;
      atSegmentStart = false;
      segments += 1;
    } else if (c === DOT) {
      atSegmentStart = true;
    } else if (!isLower(c) && !isDigit(c) && c !== UNDERSCORE) {
      return false;
    }
  }
  return !atSegmentStart && segments >= 3;
}
