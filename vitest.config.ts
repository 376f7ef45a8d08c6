import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages are tested and imported from their TypeScript source.
  resolve: { conditions: ['@scholia/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@scholia/source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/api/src/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: files run in parallel, each against its own app instance on the run's database.
    maxWorkers: 2,
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    // The built SvelteKit server is plain JavaScript for Node: load it natively, not through Vite's transform.
    server: { deps: { external: [/apps\/web\/build\//] } },
  },
});
