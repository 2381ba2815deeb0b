import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog, type Entity } from '@portalkit/catalog';
import { ServiceUnavailableError } from '@portalkit/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../packages/catalog/src/stores/postgres/index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();

const components = (v: number) =>
  Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: `c-${i}`, description: `v${v}` },
      spec: { type: 'service', lifecycle: 'production', owner: `team-${v}` },
    }),
  ).join('\n---\n');

(skip ? describe.skip : describe)(`PostgreSQL connection drops during ingestion${skip ? ` (${skip})` : ''}`, () => {
  let root: string;
  let admin: pg.Pool;
  const schemas: string[] = [];
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pk-fault-pgdrop-'));
    admin = new pg.Pool({ connectionString: pgUrl, max: 2 });
  });
  afterAll(async () => {
    await admin.end();
    for (const s of schemas) await dropSchema(s);
    await rm(root, { recursive: true, force: true });
  });

  /** A catalog on its own schema whose connections carry a name we can find and terminate. */
  async function setup(connectionRetries?: number) {
    const schema = randomSchema();
    schemas.push(schema);
    const app = `pk_drop_${schema}`;
    const store = postgresStore({ connectionString: `${pgUrl}?application_name=${app}`, schema, poolSize: 3, ...(connectionRetries === undefined ? {} : { connectionRetries }) });
    const file = `${schema}.yaml`;
    await writeFile(path.join(root, file), components(1));
    const catalog = createCatalog({ rootDir: root, store, locations: [{ type: 'file', target: `./${file}` }] });
    await catalog.refresh();
    const descriptions = async () => {
      const { rows } = await admin.query(`SELECT DISTINCT entity->'metadata'->>'description' AS d FROM "${schema}".final_entities WHERE entity->>'kind' = 'Component'`);
      return rows.map((r) => r.d).sort();
    };
    expect(await descriptions()).toEqual(['v1']);
    await writeFile(path.join(root, file), components(2));
    return { schema, app, store, catalog, descriptions };
  }

  /**
   * Hold a row lock the next commit needs; each time one of the app's backends waits on it (so it
   * is inside its transaction, after its first writes), terminate that backend. `times` kills.
   */
  async function killCommits(schema: string, app: string, times: number, start: () => Promise<unknown>) {
    const blocker = new pg.Client({ connectionString: pgUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "${schema}".final_entities WHERE entity_ref = 'component:default/c-0' FOR UPDATE`);
    const during = start();
    let settled = false;
    void during.finally(() => (settled = true)).catch(() => {});
    // A signalled backend stays visible for a moment: count each one once.
    const pids = new Set<number>();
    try {
      for (let i = 0; i < 800 && pids.size < times && !settled; i++) {
        const { rows } = await admin.query(
          `SELECT pid, pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE application_name = $1 AND wait_event_type = 'Lock' AND NOT (pid = ANY($2::int[])) LIMIT 1`,
          [app, [...pids]],
        );
        for (const r of rows) if (r.ok) pids.add(r.pid);
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    return { killed: pids.size, during };
  }

  it('retries a commit whose backend was terminated and ends in the full new state', async () => {
    const { schema, app, store, catalog, descriptions } = await setup();
    try {
      const { killed, during } = await killCommits(schema, app, 1, () => catalog.refresh());
      expect(killed).toBe(1);
      await during;
      expect(await descriptions()).toEqual(['v2']);
      const items = (await catalog.getEntities({ filter: { kind: 'component' } })).items as Entity[];
      expect(items.map((e) => e.spec?.owner)).toEqual(Array(30).fill('team-2'));
    } finally {
      await store.close();
    }
  });

  it('gives up with a ServiceUnavailableError after the retries, leaving the last committed state whole', async () => {
    const { schema, app, store, catalog, descriptions } = await setup(1);
    try {
      const { killed, during } = await killCommits(schema, app, 2, () =>
        catalog.refresh().then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      expect(killed).toBe(2);
      const error = await during;
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toMatch(/postgresStore: lost the connection to PostgreSQL 2 times in a row; caused by .*terminating connection/);
      expect(await descriptions()).toEqual(['v1']);
      // The store keeps working once the database is reachable again.
      await catalog.refresh();
      expect(await descriptions()).toEqual(['v2']);
    } finally {
      await store.close();
    }
  });

  it('survives idle pooled connections being terminated between calls', async () => {
    const { app, store, catalog, descriptions } = await setup();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
      await catalog.refresh();
      expect(await descriptions()).toEqual(['v2']);
      expect((await catalog.getEntities()).items.length).toBeGreaterThan(30);
    } finally {
      await store.close();
    }
  });
});
