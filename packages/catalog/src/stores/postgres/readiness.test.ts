import pg from 'pg';
import { createLogger, createPortal, memorySink } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { catalogPlugin } from '../../plugin.js';
import { postgresStore } from './index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../../test/support/postgres.js';

const skip = await postgresSkipReason();

describe.skipIf(skip)(`the catalog's readiness check on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  it('is ready while the database answers and names the catalog when it stops answering', async () => {
    const schema = randomSchema();
    const pool = new pg.Pool({ connectionString: pgUrl, max: 3 });
    const portal = createPortal({
      logger: createLogger({ sink: memorySink() }),
      plugins: [catalogPlugin({ store: postgresStore({ pool, schema }), rootDir: process.cwd() })],
    });
    try {
      await portal.start();
      const ready = await portal.request('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { catalog: 'ok' } });
      // The host's pool going away is what a lost database looks like to the store.
      await pool.end();
      const down = await portal.request('/.backstage/health/v1/readiness');
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'error', message: 'A readiness check failed', checks: { catalog: 'failed' } });
      expect((await portal.request('/healthz')).status).toBe(200);
    } finally {
      await portal.stop();
      await pool.end().catch(() => {});
      await dropSchema(schema);
    }
  });
});
