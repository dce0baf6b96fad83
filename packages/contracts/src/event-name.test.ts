import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './catalog';
import { EVENT_NAME_PATTERN, isValidEventName } from './event-name';

describe('isValidEventName', () => {
  it.each([
    'gpuaas.provisioning.requested',
    'platform.billing.balance_depleted',
    'platform.billing.usage.metered',
    'a.b.c',
    'd1.e_2.f3',
  ])('accepts %s', (name) => {
    expect(isValidEventName(name)).toBe(true);
  });

  it.each([
    ['two segments', 'gpuaas.provisioning'],
    ['one segment', 'gpuaas'],
    ['upper case', 'gpuaas.Provisioning.requested'],
    ['kebab-case', 'gpuaas.provisioning.force-release'],
    ['empty segment', 'gpuaas..requested'],
    ['leading dot', '.gpuaas.provisioning.requested'],
    ['trailing dot', 'gpuaas.provisioning.requested.'],
    ['segment starting with a digit', 'gpuaas.1provisioning.requested'],
    ['segment starting with underscore', 'gpuaas._provisioning.requested'],
    ['whitespace', 'gpuaas.provisioning.requested '],
    ['empty', ''],
  ])('rejects %s', (_why, name) => {
    expect(isValidEventName(name)).toBe(false);
  });

  it('judges like EVENT_NAME_PATTERN (the exported rule) on every short string', () => {
    // Every string up to five characters over an alphabet that hits each branch of the rule.
    const alphabet = ['a', 'z', '0', '_', '.', 'A', '-', ' '];
    let strings = [''];
    for (let length = 1; length <= 5; length += 1) {
      strings = [
        ...strings,
        ...strings
          .filter((s) => s.length === length - 1)
          .flatMap((s) => alphabet.map((c) => s + c)),
      ];
    }
    const disagreements = strings.filter((s) => isValidEventName(s) !== EVENT_NAME_PATTERN.test(s));
    expect(disagreements).toEqual([]);
    expect(strings.filter((s) => isValidEventName(s)).length).toBeGreaterThan(0);
  });

  it.each(EVENT_TYPES)('catalog event %s follows the naming rule', (eventType) => {
    expect(eventType).toMatch(EVENT_NAME_PATTERN);
  });
});
