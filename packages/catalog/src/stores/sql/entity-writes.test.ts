import { describe, expect, it } from 'vitest';
import type { FinalEntityRow } from '../types.js';
import { latestEntities } from './entity-writes.js';

const row = (entityRef: string, uid: string, etag = 'e'): FinalEntityRow => ({
  entityRef,
  uid,
  etag,
  entity: { apiVersion: 'v1', kind: 'Component', metadata: { name: entityRef.split('/')[1]!, uid, etag } },
});

describe('latestEntities', () => {
  it('keeps the last row per ref, as if the batch were written one by one', () => {
    const out = latestEntities([row('component:default/a', 'u1', 'e1'), row('component:default/b', 'u2'), row('component:default/a', 'u3', 'e3')]);
    expect(out.map((r) => [r.entityRef, r.uid, r.etag]).sort()).toEqual([
      ['component:default/a', 'u3', 'e3'],
      ['component:default/b', 'u2', 'e'],
    ]);
  });

  it('drops an earlier row whose uid a later row takes under another ref', () => {
    const out = latestEntities([row('component:default/a', 'u1'), row('component:default/b', 'u1')]);
    expect(out.map((r) => r.entityRef)).toEqual(['component:default/b']);
  });

  it('keeps a uid freed by a replaced row available to a later row', () => {
    const out = latestEntities([row('component:default/a', 'u1'), row('component:default/a', 'u2'), row('component:default/b', 'u1')]);
    expect(out.map((r) => [r.entityRef, r.uid]).sort()).toEqual([
      ['component:default/a', 'u2'],
      ['component:default/b', 'u1'],
    ]);
  });
});
