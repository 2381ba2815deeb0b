import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from './index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../../test/support/postgres.js';
import { overlaps, recordingProcessor, snapshot, workerCatalog, writeCatalogTree, type Interval } from './__workers__/shared-catalog.js';

const skip = await postgresSkipReason();
const run = promisify(execFile);
const workerScript = fileURLToPath(new URL('./__workers__/worker.ts', import.meta.url));

describe.skipIf(skip)(`several catalog workers on one PostgreSQL schema${skip ? ` (${skip})` : ''}`, () => {
  const tree = writeCatalogTree();
  const schemas: string[] = [];
  let single: Awaited<ReturnType<typeof snapshot>>;

  const fresh = () => {
    const schema = randomSchema();
    schemas.push(schema);
    return schema;
  };

  beforeAll(async () => {
    const store = postgresStore({ connectionString: pgUrl, schema: fresh() });
    try {
      const catalog = workerCatalog(tree, store);
      await catalog.refresh();
      single = await snapshot(catalog);
    } finally {
      await store.close();
    }
    // The tree exercises what must survive splitting: broken documents, a conflict, a shared file.
    expect(single.entities.length).toBeGreaterThan(300);
    expect(single.errors.some((e) => e.errors.some((x) => x.rule === 'conflict'))).toBe(true);
    expect(single.locations).toHaveLength(tree.locations.length);
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
    rmSync(tree.rootDir, { recursive: true, force: true });
  });

  const check = (result: Awaited<ReturnType<typeof snapshot>>, intervals: Interval[], names = ['a', 'b']) => {
    expect(result.entities).toEqual(single.entities);
    expect(result.errors).toEqual(single.errors);
    expect(result.locations).toEqual(single.locations);
    // The work was split, and no entity was processed by two workers at the same time.
    const workers = new Set(intervals.map((i) => i.worker));
    expect([...workers].sort()).toEqual(names);
    expect(overlaps(intervals)).toEqual([]);
    // The shared file's entities were reached from two roots.
    const [shared] = result.entities.filter((e) => e.metadata.name === 'team-0');
    expect(shared?.metadata.annotations?.['backstage.io/orphan']).toBeUndefined();
  };

  it('two catalogs in one process produce what one produces, never processing an entity at once', async () => {
    const schema = fresh();
    const intervals: Interval[] = [];
    const stores = ['a', 'b'].map(() => postgresStore({ connectionString: pgUrl, schema }));
    try {
      const [a, b] = ['a', 'b'].map((w, i) => workerCatalog(tree, stores[i]!, [recordingProcessor(w, intervals)]));
      await Promise.all([a!.refresh(), b!.refresh()]);
      check(await snapshot(a!), intervals);
      // Both see the same data, and a second round changes nothing.
      expect(await snapshot(b!)).toEqual(await snapshot(a!));
      await Promise.all([a!.refresh(), b!.refresh()]);
      expect((await snapshot(a!)).entities).toEqual(single.entities);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it.each([{ names: ['a', 'b'] }, { names: ['a', 'b', 'c'] }])('worker processes $names produce what one produces, never processing an entity at once', async ({ names }) => {
    const schema = fresh();
    // Migrate first so the workers' start-up is not one long serialised migration.
    const setup = postgresStore({ connectionString: pgUrl, schema });
    await setup.ready();
    const outputs = await Promise.all(
      names.map((w) =>
        run(process.execPath, ['--import', 'tsx', workerScript, pgUrl, tree.rootDir, schema, w, JSON.stringify(tree.locations)], {
          maxBuffer: 64 * 1024 * 1024,
        }),
      ),
    );
    const intervals = outputs.flatMap((o) => JSON.parse(o.stdout) as Interval[]);
    try {
      check(await snapshot(workerCatalog(tree, setup)), intervals, names);
    } finally {
      await setup.close();
    }
  }, 120_000);
});
