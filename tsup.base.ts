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
