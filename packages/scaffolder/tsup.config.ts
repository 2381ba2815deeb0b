import { packageBuild, withTestingEntry } from '../../tsup.base.js';

export default packageBuild({ entry: withTestingEntry });
