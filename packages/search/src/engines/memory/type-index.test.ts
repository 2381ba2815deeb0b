import { describe, expect, it } from 'vitest';
import { createTypeIndex } from './type-index.js';

const doc = (location: string, title: string, text: string) => ({ type: 't', location, title, text });

describe('createTypeIndex', () => {
  it('keeps field lengths and repeated words in step with puts, replacements and discards', () => {
    const index = createTypeIndex();
    index.put(doc('/a', 'ledger api', 'ledger ledger events'));
    index.put(doc('/b', 'billing', 'events'));
    expect(index.lengthSums).toEqual([3, 3, 0]);
    expect(index.repeats[1].get('ledger')).toEqual(new Map([[index.entries.get('/a')!.id, 2]]));

    index.put(doc('/a', 'ledger', 'events'));
    expect(index.lengthSums).toEqual([2, 2, 0]);
    expect(index.repeats[1].size).toBe(0);

    index.discard('/a');
    index.discard('/b');
    expect(index.lengthSums).toEqual([0, 0, 0]);
    expect(index.entries.size).toBe(0);
    expect(index.byId.every((entry) => entry === undefined)).toBe(true);
  });

  it('reuses the ids of discarded documents, so ids stay as small as the index', () => {
    const index = createTypeIndex();
    index.put(doc('/a', 'a', ''));
    index.put(doc('/b', 'b', ''));
    const freed = index.entries.get('/a')!.id;
    index.discard('/a');
    index.put(doc('/c', 'c', ''));
    expect(index.entries.get('/c')!.id).toBe(freed);
    expect(index.nextId).toBe(2);
  });

  it('keeps a facet map built by a filter up to date', () => {
    const index = createTypeIndex();
    index.put({ ...doc('/a', 'a', ''), owner: 'team-a' });
    index.facetIndex.set('owner', new Map([['team-a', new Set([index.entries.get('/a')!.id])]]));
    index.put({ ...doc('/b', 'b', ''), owner: 'team-a' });
    expect(index.facetIndex.get('owner')!.get('team-a')!.size).toBe(2);
    index.discard('/a');
    index.discard('/b');
    expect(index.facetIndex.get('owner')!.has('team-a')).toBe(false);
  });
});
