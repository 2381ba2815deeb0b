import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinKinds } from '@portalkit/catalog-model';
import { createCatalog } from '../create-catalog.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import { pgliteStore } from './pglite/index.js';
import { postgresStore } from './postgres/index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import type { SqlCatalogStore } from './sql/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
// The fixture repository is the host's own catalog: it may contribute every built-in kind
// (locations registered with addLocation otherwise get Backstage's Component/API/Location).
const trustFixtures = [{ allow: builtinKinds.map((k) => k.kind) }];
const skipPostgres = await postgresSkipReason();
const dataDir = mkdtempSync(join(tmpdir(), 'pk-restart-'));
const schema = randomSchema();

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (!skipPostgres) await dropSchema(schema);
});

const cases: { name: string; open: () => SqlCatalogStore; skip: string | false }[] = [
  { name: 'pgliteStore (same data directory)', open: () => pgliteStore({ dataDir }), skip: false },
  { name: 'postgresStore (same schema)', open: () => postgresStore({ connectionString: pgUrl, schema }), skip: skipPostgres },
];

for (const c of cases) {
  describe.skipIf(c.skip)(`${c.name}: close and reopen${c.skip ? ` (${c.skip})` : ''}`, () => {
    it('keeps locations, entities, relations, refresh states and processing errors; a refresh after reopening changes nothing', async () => {
      const first = c.open();
      const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures, store: first });
      await catalog.addLocation({ type: 'file', target: './all.yaml' });
      await catalog.addLocation({ type: 'file', target: './broken/*.yaml' });
      const before = await catalogSnapshot(catalog);
      const statesBefore = sortByRef(await first.getRefreshStates({ all: true }));
      const ref = 'component:default/payments-api';
      const ancestorsBefore = await catalog.getEntityAncestors(ref);
      await first.close();
      // What a restart must keep: relations, errors (a conflict among them) and the served entities.
      expect(before.entities.some((e) => (e.relations ?? []).length > 0)).toBe(true);
      expect(before.errors.some((e) => e.errors.some((x) => x.rule === 'conflict'))).toBe(true);
      expect(before.locations).toHaveLength(2);

      const second = c.open();
      try {
        const reopened = createCatalog({ rootDir: fixtures, rules: trustFixtures, store: second });
        expect(await catalogSnapshot(reopened)).toEqual(before);
        expect(sortByRef(await second.getRefreshStates({ all: true }))).toEqual(statesBefore);
        expect(await reopened.getEntityAncestors(ref)).toEqual(ancestorsBefore);
        expect(ancestorsBefore.items.length).toBeGreaterThan(2);

        await reopened.refresh();
        const after = await catalogSnapshot(reopened);
        expect(after).toEqual(before);
        expect(after.entities.filter((e) => e.metadata.annotations?.['backstage.io/orphan'])).toEqual([]);
        expect(sortByRef(await second.getRefreshStates({ all: true }))).toEqual(statesBefore);
        // Registering a known location again after the restart is a conflict, not a second copy.
        await expect(reopened.addLocation({ type: 'file', target: './all.yaml' })).rejects.toThrow(/already exists/);
        expect((await reopened.getLocations()).length).toBe(2);
      } finally {
        await second.close();
      }
    });
  });
}

function sortByRef<T extends { entityRef: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0));
}
