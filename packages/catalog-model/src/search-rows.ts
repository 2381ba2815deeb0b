import { toStorableText } from '@portalkit/core';
import type { Entity } from './types.js';

/**
 * One searchable `key = value` pair of an entity, as Backstage's `search` table holds them:
 * `key` is a lowercase dotted path, `value` the lowercase value (`null` when the key exists
 * without a usable value), `original` the value as written (used by facets).
 */
export interface SearchRow {
  key: string;
  value: string | null;
  original: string | null;
}

// Backstage drops keys and values longer than this: they are never useful to filter on.
const maxKeyLength = 200;
const maxValueLength = 200;

/**
 * Flatten an entity into the rows that filters, ordering, facets and full-text match against.
 * Arrays give one row per element under the same key (`metadata.tags = java`); relations give
 * `relations.<type> = <targetRef>`; `status` and `attachments` are left out; a missing
 * namespace counts as `default`.
 *
 * @example
 * ```ts
 * buildEntitySearch({ apiVersion: 'v1', kind: 'Component', metadata: { name: 'A', tags: ['java'] } });
 * // [{ key: 'apiversion', ... }, { key: 'kind', value: 'component', original: 'Component' }, ...]
 * ```
 */
export function buildEntitySearch(entity: Entity): SearchRow[] {
  const rows: SearchRow[] = [];
  // One row per (key, value): an array repeating a value (in any case) adds nothing to filters or
  // ordering, and SQL facets count rows, so each entity counts once per value.
  const seen = new Set<string>();
  const push = (key: string, raw: unknown) => {
    if (key.length > maxKeyLength) return;
    // A catalog author can write NUL or a lone surrogate (YAML "\0", "\ud800"); PostgreSQL
    // text holds neither, so every store indexes the same storable form.
    key = toStorableText(key);
    let original: string | null = null;
    if (typeof raw === 'string') original = toStorableText(raw);
    else if (typeof raw === 'number' || typeof raw === 'boolean') original = String(raw);
    if (original !== null && original.length > maxValueLength) original = null;
    const row = { key: key.toLowerCase(), value: original?.toLowerCase() ?? null, original };
    const id = `${row.key}\u0000${row.value ?? '\u0001'}`;
    if (seen.has(id)) return;
    seen.add(id);
    rows.push(row);
  };
  const walk = (path: string, value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(path, item);
      return;
    }
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 0 && path) push(path, null);
      for (const key of keys) walk(path ? `${path}.${key}` : key, (value as Record<string, unknown>)[key]);
      return;
    }
    push(path, value);
  };
  const { relations, status: _status, attachments: _attachments, ...rest } = entity as Entity & { attachments?: unknown };
  walk('', rest);
  if (!entity.metadata.namespace) push('metadata.namespace', 'default');
  for (const relation of relations ?? []) push(`relations.${relation.type}`, relation.targetRef);
  return rows;
}

