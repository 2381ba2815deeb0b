import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from source, so a change is tested without a rebuild.
// The build-output tests import dist/ explicitly.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@portalkit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^@portalkit\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/{src,test}/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on a 2-core CI machine, idle
    // while tests wait on PostgreSQL, git or Chromium. Two forks overlap that waiting.
    maxWorkers: Number(process.env.PORTALKIT_TEST_WORKERS) || 2,
    setupFiles: ['test/support/fast-check-seed.ts'],
  },
});
