import { describe, expect, it } from 'vitest';
import { queryLocationList } from './locations.js';

const loc = (id: string, type: string, target: string) => ({ id, type, target, entityRef: `location:default/generated-${id}` });
const all = [
  loc('c', 'url', 'https://github.com/acme/c/blob/main/catalog-info.yaml'),
  loc('a', 'url', 'https://github.com/acme/a/blob/main/catalog-info.yaml'),
  loc('b', 'file', '/srv/catalog/b.yaml'),
  loc('d', 'url', 'https://gitlab.com/acme/d/catalog-info.yaml'),
];
const ids = (r: { items: { id: string }[] }) => r.items.map((l) => l.id);

describe('queryLocationList', () => {
  it('filters with predicates, pages in id order and counts all matches', () => {
    const first = queryLocationList(all, { query: { target: { $hasPrefix: 'HTTPS://github.com/' } }, limit: 1 });
    expect([ids(first), first.totalItems]).toEqual([['a'], 2]);
    const second = queryLocationList(all, { cursor: first.pageInfo.nextCursor! });
    expect([ids(second), second.pageInfo.nextCursor]).toEqual([['c'], undefined]);
    expect(ids(queryLocationList(all, { query: { $any: [{ type: 'file' }, { id: 'd' }] } }))).toEqual(['b', 'd']);
    expect(ids(queryLocationList(all, { query: { $not: { type: 'url' } } }))).toEqual(['b']);
    expect(ids(queryLocationList(all))).toEqual(['a', 'b', 'c', 'd']);
    expect(queryLocationList(all, { limit: 0 })).toEqual({ items: [], totalItems: 4, pageInfo: {} });
  });

  it('continues after the last id seen when locations come and go between pages', () => {
    const first = queryLocationList(all, { limit: 2 });
    expect(ids(first)).toEqual(['a', 'b']);
    const changed = [...all.filter((l) => l.id !== 'a'), loc('aa', 'url', 'https://x/aa.yaml'), loc('bb', 'url', 'https://x/bb.yaml')];
    expect(ids(queryLocationList(changed, { cursor: first.pageInfo.nextCursor! }))).toEqual(['bb', 'c']);
  });

  it('rejects malformed requests, cursors and matchers', () => {
    expect(() => queryLocationList(all, { cursor: 'x' })).toThrow(/Malformed cursor/);
    const forged = Buffer.from(JSON.stringify({ v: 1, limit: 1, after: 'a', filter: { key: 'type', values: 'url' } })).toString('base64url');
    expect(() => queryLocationList(all, { cursor: forged })).toThrow(/Malformed cursor/);
    expect(() => queryLocationList(all, { limit: -1 })).toThrow(/Invalid locations query/);
    expect(() => queryLocationList(all, { query: { target: { $contains: { $all: ['a'] } } } })).toThrow(/\$contains of 'target'/);
    expect(() => queryLocationList(all, { query: { target: { $regex: '.*' } } })).toThrow(/unsupported matcher/);
  });
});
