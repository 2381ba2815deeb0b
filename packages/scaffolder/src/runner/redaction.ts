import { redactSecrets } from '@portalkit/core';
import type { JsonValue } from '../types.js';

/** A growing set of strings to hide from every log line and event. */
export interface Redactor {
  add(values: Iterable<string>): void;
  text(value: string): string;
  value<T>(value: T): T;
}

/**
 * Create a {@link Redactor} seeded with secret values.
 * @example
 * ```ts
 * createRedactor(['hunter2']).text('pw hunter2'); // 'pw ***'
 * ```
 */
export function createRedactor(initial: Iterable<string> = []): Redactor {
  const secrets = new Set<string>();
  const add = (values: Iterable<string>) => {
    for (const v of values) if (typeof v === 'string' && v.length >= 3) secrets.add(v);
  };
  add(initial);
  // Longest first, so a secret containing another is replaced whole.
  const ordered = () => [...secrets].sort((a, b) => b.length - a.length);
  const redactDeep = (value: unknown, list: string[], depth: number): unknown => {
    if (typeof value === 'string') return redactSecrets(value, list);
    if (depth > 16 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, list, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, list, depth + 1);
    return out;
  };
  return {
    add,
    text: (value) => (secrets.size ? redactSecrets(value, ordered()) : value),
    value: <T>(value: T) => (secrets.size ? (redactDeep(value, ordered(), 0) as T) : value),
  };
}

/**
 * Strings in `withSecrets` that differ from the same render without secrets: values derived
 * from a secret (`Bearer ${{ secrets.token }}`) that must be hidden too.
 */
export function collectSecretDerived(withSecrets: unknown, withoutSecrets: unknown): string[] {
  if (typeof withSecrets === 'string') return withSecrets !== withoutSecrets ? [withSecrets] : [];
  if (Array.isArray(withSecrets)) {
    const other = Array.isArray(withoutSecrets) ? withoutSecrets : [];
    return withSecrets.flatMap((v, i) => collectSecretDerived(v, other[i]));
  }
  if (withSecrets && typeof withSecrets === 'object') {
    const other = withoutSecrets && typeof withoutSecrets === 'object' ? (withoutSecrets as Record<string, unknown>) : {};
    return Object.entries(withSecrets).flatMap(([k, v]) => collectSecretDerived(v, other[k]));
  }
  return [];
}

/**
 * Keys and values of a step's resolved `each` that come from a secret: those that differ from
 * the same `each` rendered without secrets, compared item by item. If that render fails, every
 * string in the items is treated as derived.
 */
export function secretDerivedItems(resolved: JsonValue, renderWithoutSecrets: () => unknown): string[] {
  const entries = Object.entries(resolved as Record<string, JsonValue>);
  let plain: unknown;
  try {
    plain = renderWithoutSecrets();
  } catch {
    return collectSecretDerived(entries, []);
  }
  const plainEntries =
    Array.isArray(resolved) && Array.isArray(plain)
      ? entries.map(([key], i) => [key, plain[i]])
      : plain && typeof plain === 'object'
        ? Object.entries(plain)
        : [];
  return collectSecretDerived(entries, plainEntries);
}
