import { describe, expect, it } from 'vitest';
import type { FinalEntityRow } from '../types.js';
import { createFilterIndex } from './filters.js';
import { createValueIndex } from './value-index.js';

const row = (name: string, type: string, owner?: string): FinalEntityRow => ({
  entityRef: `component:default/${name}`,
  uid: `uid-${name}`,
  etag: 'e',
  entity: { apiVersion: 'v1', kind: 'Component', metadata: { name }, spec: { type, ...(owner ? { owner } : {}) } },
});

function setUp() {
  const values = createValueIndex();
  for (const r of [row('a', 'service', 'team-a'), row('b', 'service', 'team-b'), row('c', 'website', 'team-a'), row('d', 'service')]) values.put(r);
  return { values, filters: createFilterIndex(values) };
}

describe('createFilterIndex', () => {
  it('takes the most selective child of an allOf as candidates and checks only the others', () => {
    const { filters } = setUp();
    const filter = { allOf: [{ key: 'spec.type', values: ['service'] }, { key: 'spec.owner', values: ['team-b'] }] };
    const c = filters.candidates(filter);
    expect(c.set === 'all' ? 'all' : [...c.set]).toEqual(['uid-b']);
    expect(c.exact).toBe(false);
    expect(c.covered).toBe(filter.allOf[1]);
    const match = filters.compile(filter, c.covered);
    expect(['uid-a', 'uid-b', 'uid-c', 'uid-d'].filter(match)).toEqual(['uid-a', 'uid-b', 'uid-d']);
  });

  it('compiles not, existence, prefixes and value lists to uid predicates', () => {
    const { filters } = setUp();
    const uids = ['uid-a', 'uid-b', 'uid-c', 'uid-d'];
    expect(uids.filter(filters.compile({ not: { key: 'spec.owner' } }))).toEqual(['uid-d']);
    expect(uids.filter(filters.compile({ key: 'spec.owner', prefix: 'team-' }))).toEqual(['uid-a', 'uid-b', 'uid-c']);
    expect(uids.filter(filters.compile({ key: 'spec.type', values: ['website', 'service'] }))).toEqual(uids);
    expect(filters.candidates({ not: { key: 'spec.owner' } })).toEqual({ set: 'all', exact: false });
  });

  it('gives the exact sets of a pure conjunction, and none when a part is not a lookup', () => {
    const { filters } = setUp();
    const sets = filters.conjunctionSets({ allOf: [{ key: 'spec.type', values: ['service'] }, { key: 'spec.owner', values: ['team-a'] }] });
    expect(sets?.map((s) => [...s].sort())).toEqual([['uid-a', 'uid-b', 'uid-d'], ['uid-a', 'uid-c']]);
    expect(filters.conjunctionSets({ allOf: [{ key: 'spec.type', values: ['service'] }, { not: { key: 'spec.owner' } }] })).toBeUndefined();
  });

  it('sees writes made after a key was first read', () => {
    const { values, filters } = setUp();
    expect(filters.compile({ key: 'spec.owner', values: ['team-c'] })('uid-d')).toBe(false);
    values.put(row('d', 'service', 'team-c'));
    expect(filters.compile({ key: 'spec.owner', values: ['team-c'] })('uid-d')).toBe(true);
    values.remove('uid-d');
    expect(filters.compile({ key: 'spec.owner', values: ['team-c'] })('uid-d')).toBe(false);
  });
});
