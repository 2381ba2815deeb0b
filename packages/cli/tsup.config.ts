import { packageBuild } from '../../tsup.base.js';

export default packageBuild({
  // bin.ts is the executable (tsup keeps its shebang and marks it executable); index.ts the API.
  entry: ['src/index.ts', 'src/bin.ts'],
  dts: { entry: 'src/index.ts' },
  // bin.ts reads its package.json through import.meta.url, in the CJS build too.
  shims: true,
});
