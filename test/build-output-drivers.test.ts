/**
 * The built packages load their database drivers lazily: an app without `pg` and
 * `@electric-sql/pglite` installed imports every package and uses the memory stores, and a SQL
 * store's factory names the package to install; with the drivers installed, both the ESM and
 * the CJS build of @portalkit/sql load them. Runs after `pnpm build`, in fresh Node processes
 * (workspace imports resolve to dist/, as for users).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (pkg: string, file: string) => join(root, 'packages', pkg, 'dist', file);

// Makes the drivers unresolvable, as when they are not installed: require() (how
// @portalkit/sql loads them) and import (a static import slipping into a build) alike.
const block = `
import Module, { register } from 'node:module';
const blocked = ['pg', '@electric-sql/pglite'];
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  if (blocked.includes(request)) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  return originalLoad.call(this, request, ...rest);
};
register('data:text/javascript,' + encodeURIComponent(
  'export async function resolve(s, c, next) { if (' + JSON.stringify(blocked) + '.includes(s)) throw Object.assign(new Error("Cannot find package " + s), { code: "ERR_MODULE_NOT_FOUND" }); return next(s, c); }'
));
`;

const withoutDrivers = `
${block}
const { createRequire } = await import('node:module');
const { pathToFileURL } = await import('node:url');
const require = createRequire(import.meta.url);
const [format, ...files] = process.argv.slice(1);
const load = (file) => (format === 'esm' ? import(pathToFileURL(file).href) : Promise.resolve(require(file)));
const [catalog, scorecards, scaffolder, search] = await Promise.all(files.map(load));
const out = {};
const store = catalog.memoryStore();
await store.transaction((tx) => tx.putLocation({ id: 'l', type: 'url', target: 'https://example.com/a.yaml', createdAt: '2026-01-01T00:00:00.000Z' }));
out.memory = [(await store.listLocations()).length, (await scorecards.memoryScorecardStore().latest()).length, (await scaffolder.memoryTaskStore().list()).totalTasks];
const engine = search.memoryEngine();
await engine.upsert([{ type: 't', title: 'Hello', text: 'world', location: '/a' }]);
out.memory.push((await engine.query({ term: 'hello' })).numberOfResults);
const url = 'postgres://nobody@127.0.0.1:1/none';
const attempts = { postgresStore: () => catalog.postgresStore({ connectionString: url }), pgliteStore: () => catalog.pgliteStore(),
  postgresScorecardStore: () => scorecards.postgresScorecardStore({ connectionString: url }), postgresTaskStore: () => scaffolder.postgresTaskStore({ connectionString: url }),
  postgresEngine: () => search.postgresEngine({ connectionString: url }) };
out.errors = {};
for (const [name, create] of Object.entries(attempts)) {
  try { create(); out.errors[name] = 'created'; } catch (error) { out.errors[name] = error.name + ': ' + error.message.split(';')[0]; }
}
console.log(JSON.stringify(out));
`;

const withDrivers = `
const { createRequire } = await import('node:module');
const { pathToFileURL } = await import('node:url');
const [format, file] = process.argv.slice(1);
const sql = format === 'esm' ? await import(pathToFileURL(file).href) : createRequire(import.meta.url)(file);
const { pool, close } = sql.openPgPool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }, {}, 'probe');
const pgLoaded = typeof pool.query === 'function';
await close();
const lite = sql.openPglite('probe', {}, 'probe');
const { rows } = await lite.db.query('SELECT 1 + 1 AS two');
await lite.close();
console.log(JSON.stringify({ pgLoaded, two: rows[0].two }));
`;

const run = (script: string, args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
      .trim()
      .split('\n')
      .pop() ?? '{}',
  ) as Record<string, unknown>;

describe('built packages and the optional database drivers', () => {
  const packages = ['catalog', 'scorecards', 'scaffolder', 'search'];

  it.each(['esm', 'cjs'] as const)('%s: without the drivers, memory stores work and SQL stores name the package to install', (format) => {
    const files = packages.map((pkg) => dist(pkg, format === 'esm' ? 'index.js' : 'index.cjs'));
    for (const file of files) if (!existsSync(file)) throw new Error(`${file} is missing. Run \`pnpm build\` first.`);
    const result = run(withoutDrivers, [format, ...files]);
    expect(result.memory).toEqual([1, 0, 0, 1]);
    expect(result.errors).toEqual({
      postgresStore: "MissingDependencyError: postgresStore needs the package 'pg', which is not installed",
      pgliteStore: "MissingDependencyError: pgliteStore needs the package '@electric-sql/pglite', which is not installed",
      postgresScorecardStore: "MissingDependencyError: postgresScorecardStore needs the package 'pg', which is not installed",
      postgresTaskStore: "MissingDependencyError: postgresTaskStore needs the package 'pg', which is not installed",
      postgresEngine: "MissingDependencyError: postgresEngine needs the package 'pg', which is not installed",
    });
  });

  it.each(['esm', 'cjs'] as const)('%s: @portalkit/sql loads pg and PGlite when they are installed', (format) => {
    const file = dist('sql', format === 'esm' ? 'index.js' : 'index.cjs');
    if (!existsSync(file)) throw new Error(`${file} is missing. Run \`pnpm build\` first.`);
    expect(run(withDrivers, [format, file])).toEqual({ pgLoaded: true, two: 2 });
  });
});
