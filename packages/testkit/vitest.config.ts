import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Dogfood: this package's tests get their emulators the way every other package does.
    globalSetup: ['./src/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Waits on push delivery: a loaded CI machine needs more than the 1 s default.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
  },
});
