import { redactSecrets } from '@portalkit/core';

/** A growing set of strings to hide from every log line and event. */
export interface Redactor {
  /**
   * Hide values derived from a secret by a template (found by taint tracking while rendering),
   * whatever their length: `${{ secrets.token[0] }}` is one character, and hiding it (even
   * inside ordinary words) is the price of a template that slices a secret.
   */
  add(values: Iterable<string>): void;
  text(value: string): string;
  value<T>(value: T): T;
}

// Below this length a value is only redacted when a template derived it from a secret.
const SHORT = 3;

// The forms of a short value as they reach a log line (the core's `redactSecrets` covers longer ones).
function shortForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), bytes.toString('base64'), bytes.toString('base64url')])]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
}

/**
 * Create a {@link Redactor} seeded with the task's secrets. The seeds follow the core's rule
 * (shorter than 3 characters they would blank ordinary words and are not redacted); values
 * added later came from a secret through a template and are redacted at any length.
 * @example
 * ```ts
 * createRedactor(['hunter2']).text('pw hunter2'); // 'pw ***'
 * ```
 */
export function createRedactor(initial: Iterable<string> = []): Redactor {
  const long = new Set<string>();
  const short = new Set<string>();
  for (const v of initial) if (typeof v === 'string' && v.length >= SHORT) long.add(v);
  // Longest first, so a secret containing another is replaced whole.
  let ordered: string[] = [];
  let forms: string[] = [];
  const refresh = () => {
    ordered = [...long].sort((a, b) => b.length - a.length);
    forms = [...new Set([...short].flatMap(shortForms))].sort((a, b) => b.length - a.length);
  };
  refresh();
  const text = (value: string): string => {
    let out = ordered.length ? redactSecrets(value, ordered) : value;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join('***');
    return out;
  };
  const redactDeep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (depth > 16 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
    return out;
  };
  return {
    add(values) {
      let changed = false;
      for (const v of values) {
        if (typeof v !== 'string' || !v) continue;
        const set = v.length >= SHORT ? long : short;
        if (!set.has(v)) {
          set.add(v);
          changed = true;
        }
      }
      if (changed) refresh();
    },
    text,
    value: <T>(value: T) => (ordered.length || forms.length ? (redactDeep(value, 0) as T) : value),
  };
}
