import { defineConfig } from 'vitest/config';

// Contracts tests are pure: no emulators, no global setup.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Some cases push multi-megabyte strings through every check: seconds on a loaded machine.
    testTimeout: 30_000,
  },
});
