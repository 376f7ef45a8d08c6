import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Package-local config so the anchoring unit tests (pure functions: no database, no global setup)
// can run on their own: `npx vitest run --config packages/anchoring/vitest.config.ts`,
// or `npx vitest run` inside packages/anchoring.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['src/**/*.test.ts'],
  },
});
