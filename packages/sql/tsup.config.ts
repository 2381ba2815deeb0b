import { packageBuild } from '../../tsup.base.js';

// `shims` gives the CJS build an `import.meta.url`, from which the optional drivers are
// required lazily (see optional-peer.ts).
export default packageBuild({ shims: true });
