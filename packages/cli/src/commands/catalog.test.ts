import { realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, pgliteStore, postgresStore } from '@portalkit/catalog';
import type { Catalog } from '@portalkit/catalog';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { catalogFixtures, cli, tempDir } from '../test-utils.js';

const fixtureKinds = [
  '  Component  7',
  '  Group      5',
  '  API        3',
  '  Location   3',
  '  Resource   3',
  '  System     3',
  '  User       3',
  '  Domain     2',
  '  Template   1',
];

const summaryOf = (stdout: string) => stdout.trim().split('\n');

/** What a reopened store holds, through the public catalog API. */
async function contents(catalog: Catalog) {
  const { facets } = await catalog.getEntityFacets({ facets: ['kind'] });
  const payments = await catalog.getEntityByRef('component:default/payments-api');
  return {
    kinds: facets.kind,
    paymentsRelations: (payments?.relations ?? []).map((r) => `${r.type} ${r.targetRef}`).sort(),
    locations: (await catalog.getLocations()).map((l) => path.relative(catalogFixtures, l.target)),
  };
}

describe('portalkit catalog ingest', () => {
  it('ingests into memory and prints the entities by kind (exit 0)', async () => {
    const { code, stdout, stderr } = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'memory'], catalogFixtures);
    expect(code).toBe(0);
    expect(summaryOf(stdout)).toEqual(['Entities in the store: 30', ...fixtureKinds, 'No processing errors.']);
    expect(stderr).toContain('store: memory');
    // Not a terminal: plain progress lines, ending with the count.
    expect(stderr).toMatch(/ingest 30 entities processed\n$/);
  });

  it('redraws its progress line in place on a terminal', async () => {
    const { code, stderr } = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'memory'], catalogFixtures, { tty: true });
    expect(code).toBe(0);
    expect(stderr).toContain('\ringest [====                ] 1 entities processed\x1b[K');
    expect(stderr).toMatch(/\ringest 30 entities processed\x1b\[K\n$/);
  });

  it('lists processing errors with entity ref, file:line and message (exit 1), keeping the valid entities', async () => {
    const { code, stdout } = await cli(['catalog', 'ingest', 'broken/*.yaml', '--store', 'memory'], catalogFixtures);
    expect(code).toBe(1);
    const lines = summaryOf(stdout);
    expect(lines).toContain('Processing errors: 8 in 6 entities');
    expect(lines).toContain('  component:default/no-owner  broken/missing-owner.yaml:5  InputError: component:default/no-owner: spec.owner is required [required] (not served)');
    expect(lines.find((l) => l.startsWith('  component:default/bad-dependency  broken/bad-ref.yaml:9  InputError: spec.dependsOn[0]:'))).toBeDefined();
    expect(lines.find((l) => /^ {2}location:default\/generated-\w+ {2}broken\/syntax\.yaml:8 {2}InputError: missed comma/.test(l))).toBeDefined();
    expect(lines.find((l) => l.includes('broken/dup-b.yaml:1  ConflictError:'))).toBeDefined();
    expect(lines.slice(0, 4)).toEqual(['Entities in the store: 6', '  Location   3', '  Component  2', '  Group      1']);
  });

  it('rejects a bad --store, a bad --schema or a location outside the root (exit 2) and an unreachable store (exit 1)', async () => {
    const store = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'sqlite'], catalogFixtures);
    expect(store.code).toBe(2);
    expect(store.stderr).toContain("--store must be memory, file:<dir>, a directory path or a postgres:// URL (got 'sqlite')");
    const schema = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'file:./db', '--schema', 'bad-name'], await tempDir());
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain('invalid schema name "bad-name"');
    const memorySchema = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'memory', '--schema', 'x'], catalogFixtures);
    expect(memorySchema.code).toBe(2);
    const unreachable = await cli(['catalog', 'ingest', 'all.yaml', '--store', 'postgres://postgres@127.0.0.1:1/test'], catalogFixtures);
    expect(unreachable.code).toBe(1);
    // The store retries a refused connection a few times before giving up; the cause stays visible.
    expect(unreachable.stderr).toMatch(
      /error: ServiceUnavailableError: cannot open the store PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:1\/test \(schema portalkit_catalog\): .*ECONNREFUSED/,
    );
    const outside = await cli(['catalog', 'ingest', '../package.json', '--store', 'memory'], catalogFixtures);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is outside the catalog root');
  });

  it('persists to a PGlite directory: reopening the store finds everything, ingesting again refreshes', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'catalog-db');
    const first = await cli(['catalog', 'ingest', 'all.yaml', '--store', `file:${dataDir}`], catalogFixtures);
    expect(first.stderr).toContain(`store: PGlite ${dataDir} (schema portalkit_catalog)`);
    expect(first.code).toBe(0);
    expect(summaryOf(first.stdout)).toEqual(['Entities in the store: 30', ...fixtureKinds, 'No processing errors.']);

    // The CLI closed the store (PGlite allows one process per directory), so it can be reopened.
    const store = pgliteStore({ dataDir });
    try {
      const catalog = createCatalog({ store, rootDir: catalogFixtures });
      const found = await contents(catalog);
      expect(found.kinds).toContainEqual({ value: 'Component', count: 7 });
      expect(found.kinds?.reduce((n, k) => n + k.count, 0)).toBe(30);
      expect(found.paymentsRelations).toContain('providesApi api:default/payments');
      expect(found.locations).toEqual(['all.yaml']);
    } finally {
      await store.close();
    }

    const again = await cli(['catalog', 'ingest', 'all.yaml', '--store', dataDir], catalogFixtures);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('location already registered: refreshed the store');
    expect(summaryOf(again.stdout)).toEqual(summaryOf(first.stdout));
  }, 120_000);

  it('refuses a PGlite directory that another store has open, naming the holder (exit 1)', async () => {
    const dataDir = path.join(await tempDir(), 'catalog-db');
    const holder = pgliteStore({ dataDir });
    try {
      const { code, stderr } = await cli(['catalog', 'ingest', 'all.yaml', '--store', dataDir], catalogFixtures);
      expect(code).toBe(1);
      expect(stderr).toContain(`the data directory ${realpathSync(dataDir)} is in use: this process (pid ${process.pid}) already has it open`);
    } finally {
      await holder.close();
    }
  });
});

describe('portalkit catalog ingest into PostgreSQL', async () => {
  const skip = await postgresSkipReason();
  const schema = randomSchema();
  beforeAll(() => {
    if (skip) console.warn(skip);
  });
  afterAll(async () => {
    if (!skip) await dropSchema(schema);
  });

  it.skipIf(skip)('ingests into a schema that a later process reads back', async () => {
    const result = await cli(['catalog', 'ingest', 'all.yaml', '--store', pgUrl, '--schema', schema], catalogFixtures);
    expect(result.stderr).toContain(`(schema ${schema})`);
    expect(result.code).toBe(0);
    expect(summaryOf(result.stdout)).toEqual(['Entities in the store: 30', ...fixtureKinds, 'No processing errors.']);

    const broken = await cli(['catalog', 'ingest', 'broken/*.yaml', '--store', pgUrl, '--schema', schema], catalogFixtures);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Entities in the store: 36');

    const store = postgresStore({ connectionString: pgUrl, schema });
    try {
      const found = await contents(createCatalog({ store, rootDir: catalogFixtures }));
      expect(found.kinds?.reduce((n, k) => n + k.count, 0)).toBe(36);
      expect(found.paymentsRelations).toContain('dependsOn resource:default/payments-db');
      expect(found.locations.sort()).toEqual(['all.yaml', 'broken/*.yaml']);
    } finally {
      await store.close();
    }
  });
});
