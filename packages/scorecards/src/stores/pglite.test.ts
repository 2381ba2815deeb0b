import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { runScorecardStoreContract } from '../testing/index.js';
import { pgliteScorecardStore } from './pglite.js';

// PGlite takes seconds to start: one in-memory instance for the contract, a fresh schema per test.
const db = new PGlite();
let n = 0;
afterAll(() => db.close());

runScorecardStoreContract({
  name: 'pglite',
  create: async () => {
    const schema = `contract_${++n}`;
    return {
      store: pgliteScorecardStore({ pglite: db, schema }),
      reopen: async () => pgliteScorecardStore({ pglite: db, schema }),
      close: async () => {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  },
});

describe('pgliteScorecardStore', () => {
  it('keeps results and history in dataDir across a close and reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-scorecards-'));
    try {
      const first = pgliteScorecardStore({ dataDir });
      const result = {
        scorecardId: 'readiness',
        entityRef: 'component:default/a',
        evaluatedAt: '2026-01-01T00:01:00.000Z',
        levelIndex: -1,
        percentage: 0,
        checks: [{ checkId: 'has-owner', level: 'bronze', weight: 1, status: 'fail' as const, message: 'spec.owner is missing' }],
        dependencies: [],
      };
      await first.write({ put: [result] });
      await first.write({ put: [{ ...result, evaluatedAt: '2026-01-01T00:02:00.000Z', levelIndex: 0, level: 'bronze', percentage: 100, checks: [] }] });
      await first.close();

      const second = pgliteScorecardStore({ dataDir });
      try {
        expect((await second.latest()).map((r) => [r.level, r.percentage])).toEqual([['bronze', 100]]);
        expect((await second.history({ entityRef: 'component:default/a' })).map((h) => [h.timestamp, h.failingChecks])).toEqual([
          ['2026-01-01T00:02:00.000Z', []],
          ['2026-01-01T00:01:00.000Z', ['has-owner']],
        ]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects bad options at creation, naming the store', () => {
    expect(() => pgliteScorecardStore({ schema: 'a-b' })).toThrow(/pgliteScorecardStore: invalid schema/);
    expect(() => pgliteScorecardStore({ dataDir: '' })).toThrow(/pgliteScorecardStore: dataDir/);
    expect(() => pgliteScorecardStore({ pglite: db, dataDir: '/tmp/x' })).toThrow(/pgliteScorecardStore: pass either/);
  });

  it('refuses to work once closed', async () => {
    const store = pgliteScorecardStore({ pglite: db, schema: 'closed_store' });
    await store.close();
    await expect(store.latest()).rejects.toThrow(/pgliteScorecardStore: the store is closed/);
  });
});
