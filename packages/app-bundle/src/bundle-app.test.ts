import { describe, expect, it } from 'vitest';
import { packageOf } from './bundle-app';

describe('packageOf', () => {
  it.each([
    ['hono', 'hono'],
    ['hono/body-limit', 'hono'],
    ['@google-cloud/firestore', '@google-cloud/firestore'],
    ['@hono/node-server/dist/x.js', '@hono/node-server'],
  ])('%s belongs to %s', (specifier, name) => {
    expect(packageOf(specifier)).toBe(name);
  });
});
