import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing` is a separate entry so the main bundle never pulls in vitest.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest'],
});
