import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilDiv, floorDiv, formatInstant, instantOf, NS_PER_SECOND } from './instants';

describe('instants', () => {
  it('reads fractions exactly, to the nanosecond', () => {
    const base = instantOf('2026-03-01T12:00:00Z');
    expect(instantOf('2026-03-01T12:00:00.5Z') - base).toBe(500_000_000n);
    expect(instantOf('2026-03-01T12:00:00.000000001Z') - base).toBe(1n);
    expect(instantOf('2026-03-01T12:00:01.000Z') - base).toBe(NS_PER_SECOND);
  });

  it('formats canonically and round-trips', () => {
    expect(formatInstant(instantOf('2026-03-01T12:00:00.500Z'))).toBe('2026-03-01T12:00:00.5Z');
    expect(formatInstant(instantOf('2026-03-01T12:00:00.000Z'))).toBe('2026-03-01T12:00:00Z');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 253_402_300_799_999_999_999n }), (instant) => {
        expect(instantOf(formatInstant(instant))).toBe(instant);
      }),
    );
  });

  it('divides toward the floor and the ceiling', () => {
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(ceilDiv(7n, 2n)).toBe(4n);
    expect(ceilDiv(-7n, 2n)).toBe(-3n);
    expect(ceilDiv(6n, 2n)).toBe(3n);
  });
});
