import { describe, expect, it } from 'vitest';
import { rfc3339Of, timestampOf } from './timestamps';

describe('timestamps', () => {
  it('keeps nanoseconds and spells an instant one way', () => {
    const t = timestampOf('2026-03-04T05:06:07.123456789Z');
    expect(t.seconds).toBe(Date.UTC(2026, 2, 4, 5, 6, 7) / 1000);
    expect(t.nanoseconds).toBe(123_456_789);
    expect(rfc3339Of(t)).toBe('2026-03-04T05:06:07.123456789Z');
    expect(rfc3339Of(timestampOf('2026-03-04T05:06:07.100Z'))).toBe('2026-03-04T05:06:07.1Z');
    expect(rfc3339Of(timestampOf('2026-03-04T05:06:07Z'))).toBe('2026-03-04T05:06:07Z');
  });

  it('handles instants before 1970', () => {
    expect(rfc3339Of(timestampOf('1969-12-31T23:59:59.5Z'))).toBe('1969-12-31T23:59:59.5Z');
  });
});
