import type { Entity } from '@portalkit/catalog-model';

/**
 * Keep only the given dot-separated paths of an entity (Backstage's `fields` parameter).
 * Annotation and label keys containing dots work: `metadata.annotations.backstage.io/orphan`.
 * Without fields the entity is returned as is.
 *
 * @example
 * ```ts
 * projectEntity(entity, ['kind', 'metadata.name']); // { kind: 'Component', metadata: { name: 'a' } }
 * ```
 */
export function projectEntity(entity: Entity, fields: readonly string[] | undefined): Entity {
  if (!fields || fields.length === 0) return entity;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = field.split('.').filter(Boolean);
    copyPath(entity as unknown as Record<string, unknown>, out, parts);
  }
  return out as unknown as Entity;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, parts: string[]): void {
  if (parts.length === 0) return;
  // Try the longest key first so `backstage.io/orphan` is found as one key.
  for (let n = parts.length; n >= 1; n--) {
    const key = parts.slice(0, n).join('.');
    if (!Object.hasOwn(from, key)) continue;
    const value = from[key];
    const rest = parts.slice(n);
    if (rest.length === 0) {
      to[key] = structuredClone(value);
      return;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const existing = to[key];
      const target = existing && typeof existing === 'object' ? (existing as Record<string, unknown>) : {};
      to[key] = target;
      copyPath(value as Record<string, unknown>, target, rest);
      if (Object.keys(target).length === 0 && existing === undefined) delete to[key];
    }
    return;
  }
}

/**
 * A parsed `fields` list: accepts `['a,b', 'c']` as the REST API sends it. Empty means all.
 *
 * @example
 * ```ts
 * parseFieldsQuery(['metadata.name,kind']); // ['metadata.name', 'kind']
 * ```
 */
export function parseFieldsQuery(fields: readonly string[] | undefined): string[] | undefined {
  if (!fields) return undefined;
  const out = fields.flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
