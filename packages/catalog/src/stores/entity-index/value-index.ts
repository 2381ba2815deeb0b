import { buildEntitySearch } from '../../query/search.js';
import type { FinalEntityRow } from '../types.js';
import { createUidBitmaps } from '../uid-bitmaps.js';
import type { Bag } from './bag.js';

/** One stored entity and its search rows (`keys[i]` holds `values[i]`). */
export interface Indexed {
  row: FinalEntityRow;
  keys: string[];
  values: (string | null)[];
}

/** The entities by uid and ref, and the key -> value -> uids index that filters, text and facets read. */
export interface ValueIndex {
  readonly byUid: ReadonlyMap<string, Indexed>;
  readonly uidByRef: ReadonlyMap<string, string>;
  /** key -> lower-cased value -> the value as first written, where the two differ (for facets). */
  readonly originals: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly bitmaps: ReturnType<typeof createUidBitmaps>;
  /** The uids having `key` at all (built on first read). */
  keySetOf(key: string): ReadonlySet<string> | undefined;
  /** value -> uids of `key` (built on first read). */
  valuesOf(key: string): ReadonlyMap<string, Bag> | undefined;
  /** Store a row, replacing the entity with its ref or uid. */
  put(row: FinalEntityRow): void;
  remove(uid: string): void;
}

/**
 * The entity rows and their per-key indexes: a key's index is built the first time a query reads
 * that key, then kept up to date on every write.
 */
export function createValueIndex(): ValueIndex {
  const byUid = new Map<string, Indexed>();
  const uidByRef = new Map<string, string>();
  const valueIndex = new Map<string, Map<string, Bag>>();
  const keyIndex = new Map<string, Set<string>>();
  const originals = new Map<string, Map<string, string>>();
  const keyPool = new Map<string, string>();
  const bitmaps = createUidBitmaps();

  const intern = (key: string) => {
    const pooled = keyPool.get(key);
    if (pooled !== undefined) return pooled;
    keyPool.set(key, key);
    return key;
  };

  // Per-key indexes are built the first time a query reads that key, then kept up to date:
  // most keys (uids, etags, annotations, relations) are never filtered on, and building all
  // of them on every write cost a Map or Set entry per search row (most of a 100k ingest's
  // index memory and time).
  const built = new Set<string>();

  function indexRow(key: string, value: string | null, uid: string) {
    let set = keyIndex.get(key);
    if (!set) keyIndex.set(key, (set = new Set()));
    if (!set.has(uid)) {
      set.add(uid);
      bitmaps.added(set, uid);
    }
    if (value === null) return;
    let byValue = valueIndex.get(key);
    if (!byValue) valueIndex.set(key, (byValue = new Map()));
    const bag = byValue.get(value);
    if (bag === undefined) byValue.set(value, uid);
    else if (typeof bag === 'string') {
      if (bag !== uid) byValue.set(value, new Set([bag, uid]));
    } else if (!bag.has(uid)) {
      bag.add(uid);
      bitmaps.added(bag, uid);
    }
  }

  function unindexRow(key: string, value: string | null | undefined, uid: string) {
    const keySet = keyIndex.get(key);
    if (keySet?.delete(uid)) bitmaps.removed(keySet, uid);
    if (value === null || value === undefined) return;
    const byValue = valueIndex.get(key);
    const bag = byValue?.get(value);
    if (bag === uid) byValue!.delete(value);
    else if (typeof bag === 'object') {
      if (bag.delete(uid)) bitmaps.removed(bag, uid);
      if (bag.size === 1) byValue!.set(value, bag.values().next().value!);
      else if (bag.size === 0) byValue!.delete(value);
    }
  }

  /** Build the indexes of `key` from the entities' search rows, once. */
  function ensure(key: string) {
    if (built.has(key)) return;
    built.add(key);
    for (const item of byUid.values()) {
      for (let i = 0; i < item.keys.length; i++) if (item.keys[i] === key) indexRow(key, item.values[i]!, item.row.uid);
    }
  }
  const keySetOf = (key: string) => {
    ensure(key);
    return keyIndex.get(key);
  };
  const valuesOf = (key: string) => {
    ensure(key);
    return valueIndex.get(key);
  };

  function remove(uid: string) {
    const item = byUid.get(uid);
    if (!item) return;
    byUid.delete(uid);
    uidByRef.delete(item.row.entityRef);
    for (let i = 0; i < item.keys.length; i++) {
      const key = item.keys[i]!;
      if (built.has(key)) unindexRow(key, item.values[i], uid);
    }
    bitmaps.release(uid);
  }

  function put(row: FinalEntityRow) {
    const previousUid = uidByRef.get(row.entityRef);
    if (previousUid !== undefined) remove(previousUid);
    remove(row.uid);
    bitmaps.assign(row.uid);
    const rows = buildEntitySearch(row.entity);
    const keys: string[] = new Array(rows.length);
    const values: (string | null)[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const key = intern(r.key);
      keys[i] = key;
      values[i] = r.value;
      if (built.has(key)) indexRow(key, r.value, row.uid);
      // Only values whose written case differs need remembering for facets.
      if (r.value !== null && r.original !== null && r.original !== r.value) {
        let orig = originals.get(key);
        if (!orig) originals.set(key, (orig = new Map()));
        if (!orig.has(r.value)) orig.set(r.value, r.original);
      }
    }
    byUid.set(row.uid, { row, keys, values });
    uidByRef.set(row.entityRef, row.uid);
  }

  return { byUid, uidByRef, originals, bitmaps, keySetOf, valuesOf, put, remove };
}
