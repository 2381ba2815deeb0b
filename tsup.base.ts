import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS + type declarations for Node 20, from
 * `src/index.ts`. A package's `tsup.config.ts` passes only what it does differently.
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...overrides,
  });
}

/**
 * Entries of a package that also publishes `./testing` (a contract suite for implementers).
 * That entry imports vitest, which cannot be require()d, so package.json exports it for
 * `import` only; the CJS file tsup also writes for it is not exported.
 */
export const withTestingEntry: Options['entry'] = { index: 'src/index.ts', testing: 'src/testing/index.ts' };
