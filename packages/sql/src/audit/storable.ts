import { toStorableText } from '@portalkit/core';

const maxDepth = 16;
const maxMetaBytes = 64 * 1024;

/**
 * A JSON text of `meta` that PostgreSQL's jsonb takes: strings and keys without NUL or lone
 * surrogates, bigints as strings, cycles and too-deep nesting cut, and the whole bounded (an
 * oversized meta is replaced by a marker, the event itself is still recorded).
 */
export function storableMeta(meta: Record<string, unknown> | undefined): string | null {
  if (meta === undefined) return null;
  const text = JSON.stringify(clean(meta, 0, new Set()));
  return text.length > maxMetaBytes ? JSON.stringify({ truncated: true, bytes: text.length }) : text;
}

function clean(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value !== 'object') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value) || depth >= maxDepth) return '[…]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => clean(item, depth + 1, seen));
    // fromEntries defines own properties, so a "__proto__" key stays a key.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
        .map(([key, item]) => [toStorableText(key), clean(item, depth + 1, seen)]),
    );
  } finally {
    seen.delete(value);
  }
}
