import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './nesting';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('nestsDeeperThan', () => {
  it('measures arrays and objects alike', () => {
    expect(nestsDeeperThan(nested(3), 3)).toBe(false);
    expect(nestsDeeperThan(nested(4), 3)).toBe(true);
    expect(nestsDeeperThan({ a: 1, b: 'x', c: null }, 1)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('walks 5,000 levels without recursion', () => {
    expect(nestsDeeperThan(JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`), 64)).toBe(true);
  });
});
