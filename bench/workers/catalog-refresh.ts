/*
 * A catalog worker process for bench/horizontal.bench.ts: opens the shared PostgreSQL schema,
 * prints READY, waits for a line on stdin, runs one refresh and prints DONE.
 *
 *   node --import tsx catalog-refresh.ts <connectionString> <schema> <rootDir> <locations-json>
 */
import { createInterface } from 'node:readline';
import { builtinKinds, createCatalog, postgresStore } from '../../packages/catalog/src/index.js';

const [connectionString, schema, rootDir, locations] = process.argv.slice(2) as [string, string, string, string];
const store = postgresStore({ connectionString, schema });
await store.ready();
const catalog = createCatalog({ store, rootDir, locations: JSON.parse(locations), rules: [{ allow: builtinKinds.map((k) => k.kind) }] });
process.stdout.write('READY\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
await catalog.refresh();
process.stdout.write('DONE\n');
await store.close();
process.exit(0);
