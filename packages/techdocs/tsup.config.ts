import { packageBuild } from '../../tsup.base.js';

// `./events` is its own entry: the topic schemas without the docs pipeline. `shims` gives the
// CJS build an `import.meta.url`, from which the optional S3 client is required lazily (s3.ts).
export default packageBuild({ entry: { index: 'src/index.ts', events: 'src/events/index.ts' }, shims: true });
