import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@portalkit/catalog';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../packages/catalog/src/stores/postgres/index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';
import { startWorker } from '../support/child.js';

const skip = await postgresSkipReason();
const workerScript = fileURLToPath(new URL('./workers/catalog-worker.ts', import.meta.url));
const location = [{ type: 'file', target: './catalog-info.yaml' }];

/** A catalog of groups, systems and 60 components over several files, version `v`. */
async function writeCatalog(root: string, v: number) {
  await mkdir(path.join(root, 'components'), { recursive: true });
  const doc = (kind: string, name: string, spec: Record<string, unknown>) =>
    JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, description: `v${v}` }, spec });
  await writeFile(
    path.join(root, 'catalog-info.yaml'),
    [
      JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'root' }, spec: { targets: ['./org.yaml', './components/*.yaml'] } }),
    ].join('\n---\n'),
  );
  await writeFile(
    path.join(root, 'org.yaml'),
    [0, 1, 2].map((g) => doc('Group', `team-${g}`, { type: 'team', children: [] })).concat(doc('System', 'sys', { owner: 'team-0' })).join('\n---\n'),
  );
  for (let f = 0; f < 6; f++) {
    const count = v === 1 ? 10 : 9; // v2 drops one component per file and changes owners
    await writeFile(
      path.join(root, 'components', `f${f}.yaml`),
      Array.from({ length: count }, (_, i) =>
        doc('Component', `c-${f}-${i}`, { type: 'service', lifecycle: 'production', owner: `team-${(i + v) % 3}`, system: 'sys' }),
      ).join('\n---\n'),
    );
  }
}

/** The killed worker's leases (1 s in workers/catalog-worker.ts) run out; until then its share is its own. */
const leaseExpiry = () => new Promise((resolve) => setTimeout(resolve, 1500));

/** Everything a client can observe, with nothing that legitimately differs between runs. */
async function observe(connectionString: string, schema: string, root: string) {
  const store = postgresStore({ connectionString, schema, poolSize: 2 });
  try {
    const catalog = createCatalog({ rootDir: root, store, locations: location });
    await catalog.refresh();
    const { items } = await catalog.getEntities({ order: [{ field: 'kind', order: 'asc' }, { field: 'metadata.name', order: 'asc' }] });
    return {
      entities: items,
      errors: await catalog.getProcessingErrors(),
      locations: (await catalog.getLocations()).map((l) => `${l.type}:${l.target}`),
    };
  } finally {
    await store.close();
  }
}

(skip ? describe.skip : describe)(`a catalog worker killed mid-batch on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  let base: string;
  const schemas: string[] = [];
  const schema = () => {
    const s = randomSchema();
    schemas.push(s);
    return s;
  };
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'pk-fault-catalog-'));
  });
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
    await rm(base, { recursive: true, force: true });
  });

  it('killed while processing: a restart converges to the state of a clean run', async () => {
    const root = path.join(base, 'processing');
    await writeCatalog(root, 1);
    const killed = schema();
    const worker = startWorker(workerScript, [pgUrl, killed, root, 'block-processing']);
    await worker.waitFor(/MID/);
    await worker.kill();
    await leaseExpiry();
    expect(await observe(pgUrl, killed, root)).toEqual(await observe(pgUrl, schema(), root));
  });

  it('killed inside its commit transaction: nothing partial is visible and a restart converges to an uninterrupted run', async () => {
    const root = path.join(base, 'commit');
    await writeCatalog(root, 1);
    const killed = schema();
    const app = `pk_fault_${killed}`;
    const url = `${pgUrl}?application_name=${app}`;
    const reference = schema();
    const before = await observe(url, killed, root);
    expect(before.entities.filter((e) => e.kind === 'Component')).toHaveLength(60);
    expect(await observe(pgUrl, reference, root)).toEqual(before);

    // Hold a row lock the commit needs, so the worker stops inside its transaction after its
    // first writes; kill it there.
    await writeCatalog(root, 2);
    const pool = new pg.Pool({ connectionString: pgUrl, max: 1 });
    const blocker = new pg.Client({ connectionString: pgUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM "${killed}".final_entities WHERE entity_ref = 'component:default/c-0-0' FOR UPDATE`);
      const worker = startWorker(workerScript, [url, killed, root, 'refresh']);
      await worker.waitFor(/READY/);
      // pg_stat_activity is snapshotted per transaction: watch it from outside the blocker's.
      let waiting = false;
      for (let i = 0; i < 400 && !waiting; i++) {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [app],
        );
        waiting = rows[0].n > 0;
        if (!waiting) await new Promise((r) => setTimeout(r, 25));
      }
      expect(waiting).toBe(true);
      await worker.kill();
      await leaseExpiry();
      // Readers see the last committed state while the dead transaction is still open.
      const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM "${killed}".final_entities WHERE entity->'metadata'->>'description' = 'v2'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await pool.end();
    }
    // The orphaned backend rolls back once it notices its client is gone; the restart must
    // end where the same v1 -> v2 update ends without a crash (removed entities as orphans).
    const after = await observe(pgUrl, killed, root);
    const uninterrupted = await observe(pgUrl, reference, root);
    expect(after).toEqual(uninterrupted);
    expect(after.entities.filter((e) => e.metadata.description === 'v2')).toHaveLength(58);
    expect(after.entities.filter((e) => e.metadata.annotations?.['backstage.io/orphan'] === 'true')).toHaveLength(6);
  });
});
