import { defineConfig } from 'tsup';

export default defineConfig({
  // bin.ts is the executable (tsup keeps its shebang and marks it executable); index.ts the API.
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // bin.ts reads its package.json through import.meta.url, in the CJS build too.
  shims: true,
});
