/*
 * A catalog worker process for the multi-worker test: runs one refresh of the shared catalog
 * tree on a PostgreSQL schema and prints the processing intervals it recorded as JSON.
 *
 *   node --import tsx worker.ts <connectionString> <rootDir> <schema> <workerId> <locations-json>
 *
 * The test passes the connection string, so this helper never reaches into the repository's test/.
 */
import { postgresStore } from '../index.js';
import { recordingProcessor, workerCatalog, type Interval } from './shared-catalog.js';

const [connectionString, rootDir, schema, worker, locations] = process.argv.slice(2) as [string, string, string, string, string];
const store = postgresStore({ connectionString, schema });
const intervals: Interval[] = [];
try {
  const catalog = workerCatalog({ rootDir, locations: JSON.parse(locations) }, store, [recordingProcessor(worker, intervals)]);
  await catalog.refresh();
  process.stdout.write(JSON.stringify(intervals));
} finally {
  await store.close();
}
