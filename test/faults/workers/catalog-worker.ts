// A catalog process for the fault tests. argv: connection string, schema, root dir, mode.
// `block-processing`: stops (forever) in the middle of a processing pass.
// `refresh`: registers the configured location and refreshes, printing DONE.
import { createCatalog, type EntityProcessor } from '@portalkit/catalog';
import { postgresStore } from '../../../packages/catalog/src/stores/postgres/index.js';

const [connectionString, schema, rootDir, mode] = process.argv.slice(2);
const WORKER_LEASE_MS = 1000;
if (!connectionString || !schema || !rootDir || !mode) throw new Error('usage: catalog-worker <url> <schema> <root> <mode>');

let seen = 0;
const blocker: EntityProcessor = {
  name: 'block-mid-pass',
  async preProcess(entity) {
    if (mode === 'block-processing' && entity.kind === 'Component' && ++seen === 20) {
      process.stdout.write('MID\n');
      await new Promise(() => {});
    }
    return entity;
  },
};
const store = postgresStore({ connectionString, schema, poolSize: 2 });
// A short lease, so the tests need not wait long for a killed worker's share to come free.
const catalog = createCatalog({
  rootDir,
  store,
  locations: [{ type: 'file', target: './catalog-info.yaml' }],
  processors: [blocker],
  processingLeaseMs: WORKER_LEASE_MS,
});
process.stdout.write('READY\n');
await catalog.refresh();
process.stdout.write('DONE\n');
await store.close();
