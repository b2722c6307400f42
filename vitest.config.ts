// Two tiers: fast unit tests (in-process adapters, app.request) and integration tests
// (real servers on loopback: redis-server, ffmpeg over RTMP, Chromium).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['*/test/unit/**/*.test.ts', 'sdks/js/test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['*/test/integration/**/*.test.ts', 'sdks/js/test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // What a poll waits for (a page showing a server's answer, a stream going live) can take seconds on a
          // loaded 2-core machine; 1 s (the default) made browser tests fail there while the platform was fine.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
