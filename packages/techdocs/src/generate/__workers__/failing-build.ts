/**
 * A build that fails half way (a rehype plugin throws on page 40 of 60), for the test that the
 * process still exits on its own afterwards:
 *
 *   node --import tsx failing-build.ts <workDir>
 */
import path from 'node:path';
import { generateBenchSite } from '../../../../../bench/techdocs-pages.js';
import { buildDocs } from '../build.js';

const work = process.argv[2];
if (!work) throw new Error('usage: failing-build.ts <workDir>');
await generateBenchSite(path.join(work, 'site'), 60);
let pages = 0;
const failOnPage40 = () => () => {
  if (++pages === 40) throw new Error('boom on page 40');
};
await buildDocs({ source: path.join(work, 'site'), output: path.join(work, 'out'), rehypePlugins: [failOnPage40] }).then(
  () => console.log('built'),
  (error: Error) => console.log(`failed: ${error.message}`),
);
