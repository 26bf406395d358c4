/**
 * End-to-end tests of the browser sandbox: `npm run test:e2e` builds the site, serves it with
 * `vite preview` on a free localhost port (global-setup.ts) and drives Debian's Chromium
 * (/usr/bin/chromium, `apt-get install -y chromium`) with playwright-core. Files run one at a time:
 * CI machines are small and the tests time training.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    env: { DOJO_E2E: '1' },
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
