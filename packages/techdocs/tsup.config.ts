import { packageBuild } from '../../tsup.base.js';

// `./events` is its own entry: the topic schemas without the docs pipeline.
export default packageBuild({ entry: { index: 'src/index.ts', events: 'src/events/index.ts' } });
