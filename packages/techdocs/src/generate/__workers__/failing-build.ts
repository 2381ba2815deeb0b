/**
 * A build that fails half way (a rehype plugin throws on page 40 of 60), for the test that the
 * process still exits on its own afterwards. The test writes the 60-page site to <workDir>/site
 * first, so this helper never reaches into the repository's bench/ or test/:
 *
 *   node --import tsx failing-build.ts <workDir>
 */
import path from 'node:path';
import { buildDocs } from '../build.js';

const work = process.argv[2];
if (!work) throw new Error('usage: failing-build.ts <workDir>');
let pages = 0;
const failOnPage40 = () => () => {
  if (++pages === 40) throw new Error('boom on page 40');
};
await buildDocs({ source: path.join(work, 'site'), output: path.join(work, 'out'), rehypePlugins: [failOnPage40] }).then(
  () => console.log('built'),
  (error: Error) => console.log(`failed: ${error.message}`),
);
