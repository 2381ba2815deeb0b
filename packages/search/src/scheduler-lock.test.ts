import pg from 'pg';
import { createSqlSchedulerLock, pgPoolClient } from '@portalkit/sql';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../test/support/postgres.js';
import type { Collator } from './collators/types.js';
import { createSearch } from './create-search.js';
import { postgresEngine } from './engines/postgres/index.js';

const skip = await postgresSkipReason();

describe.skipIf(skip)(`search with a scheduler lock on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  const pools = [new pg.Pool({ connectionString: pgUrl, max: 3 }), new pg.Pool({ connectionString: pgUrl, max: 3 })];
  const schemas = [randomSchema(), randomSchema()];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const schema of schemas) await dropSchema(schema);
  });

  it('collates once between two processes sharing an engine, and both answer from it', async () => {
    const [engineSchema, lockSchema] = schemas as [string, string];
    const collected: number[] = [];
    const searches = pools.map((pool, i) => {
      const collator: Collator = {
        type: 'note',
        async *collect() {
          collected.push(i);
          yield { type: 'note', title: 'Deploying payments', text: 'how to deploy', location: '/docs/payments' };
        },
      };
      return createSearch({
        collators: [collator],
        engine: postgresEngine({ pool, schema: engineSchema }),
        schedulerLock: createSqlSchedulerLock({ sql: pgPoolClient(pool, { name: `search-${i}` }), schema: lockSchema }),
      });
    });
    await Promise.all(searches.map((s) => s.start()));
    expect(collected).toHaveLength(1);
    for (const search of searches) {
      const { results } = await search.query({ term: 'deploy' });
      expect(results.map((r) => r.document.location)).toEqual(['/docs/payments']);
    }
    await Promise.all(searches.map((s) => s.stop()));
  });

  it('rejects a bad interval or lock, naming the factory', () => {
    expect(() => createSearch({ collators: [], rebuildIntervalMs: 0 })).toThrow(/createSearch: rebuildIntervalMs/);
    expect(() => createSearch({ collators: [], schedulerLock: {} as never })).toThrow(/createSearch: schedulerLock/);
  });
});
