import { packageBuild } from '../../tsup.base.js';

// `testing` holds the store contract suite. It imports vitest, which cannot be require()d, so
// package.json exports it for `import` only (the CJS file tsup also writes is not exported).
export default packageBuild({ entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } });
