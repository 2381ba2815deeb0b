/*
 * `pg` and `@electric-sql/pglite` are optional peer dependencies: an app that uses only memory
 * stores installs neither, and creating a SQL store without its driver fails at once with a
 * MissingDependencyError naming the package to install and the store that needs it.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingDependencyError } from '@portalkit/core';
import { createCatalog, memoryStore, pgliteStore, postgresStore } from '@portalkit/catalog';
import { memoryScorecardStore, pgliteScorecardStore, postgresScorecardStore } from '@portalkit/scorecards';
import { memoryTaskStore, pgliteTaskStore, postgresTaskStore } from '@portalkit/scaffolder';
import { memoryEngine, postgresEngine } from '@portalkit/search';
import { afterAll, describe, expect, it } from 'vitest';
import { blockDrivers } from './support/block-drivers.js';

const unblock = blockDrivers();
afterAll(unblock);

const connectionString = 'postgres://nobody@127.0.0.1:1/none';
const factories: Array<[string, string, () => unknown]> = [
  ['postgresStore', 'pg', () => postgresStore({ connectionString })],
  ['pgliteStore', '@electric-sql/pglite', () => pgliteStore()],
  ['postgresScorecardStore', 'pg', () => postgresScorecardStore({ connectionString })],
  ['pgliteScorecardStore', '@electric-sql/pglite', () => pgliteScorecardStore()],
  ['postgresTaskStore', 'pg', () => postgresTaskStore({ connectionString })],
  ['pgliteTaskStore', '@electric-sql/pglite', () => pgliteTaskStore()],
  ['postgresEngine', 'pg', () => postgresEngine({ connectionString })],
];

describe('without the database drivers installed', () => {
  it.each(factories)('%s throws a MissingDependencyError naming %s', (factory, driver, create) => {
    let error: unknown;
    try {
      create();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as Error).message).toContain(`${factory} needs the package '${driver}', which is not installed`);
    expect((error as Error).message).toContain(`npm install ${driver}`);
  });

  it('the memory stores work', async () => {
    const catalog = createCatalog({ store: memoryStore() });
    await catalog.start?.();
    await catalog.stop?.();
    const scorecards = memoryScorecardStore();
    expect(await scorecards.latest()).toEqual([]);
    const tasks = memoryTaskStore();
    expect((await tasks.list()).totalTasks).toBe(0);
    const engine = memoryEngine();
    await engine.upsert([{ type: 't', title: 'Hello', text: 'world', location: '/a' }]);
    expect((await engine.query({ term: 'hello' })).numberOfResults).toBe(1);
  });
});

describe('source imports of the drivers', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === '__workers__' ? [] : sources(path);
      return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
    });

  // A value import would load the driver with the package; only @portalkit/sql loads it, lazily.
  it.each(['catalog', 'scaffolder', 'search', 'scorecards', 'sql'])('packages/%s/src imports pg and PGlite for types only', (pkg) => {
    const offenders = sources(join(root, 'packages', pkg, 'src')).filter((file) =>
      /^\s*import\s+(?!type\b)[^;]*from\s+['"](pg|@electric-sql\/pglite)['"]/m.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
