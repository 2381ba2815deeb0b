import type { z } from 'zod';
import { fieldExpectations } from '../fieldFormats.js';

/*
 * The internal form of a validation problem (a path as segments, a rule id and a detail text)
 * and helpers to produce it, including the mapping of zod issues onto the same rule ids.
 */

export type Segment = string | number;

export interface Issue {
  path: Segment[];
  rule: string;
  detail: string;
}

export type PlainObject = Record<string, unknown>;

/** A plain JSON object: not null, not an array. */
export function isObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name of a value, for `must be string, got number`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value quoted and shortened for messages. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/** `['metadata', 'links', 0, 'url']` -> `metadata.links[0].url`; odd keys become `["a/b"]`. */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Map zod issues onto our rule ids, with `prefix` prepended to their paths. */
export function zodIssues(error: z.ZodError, root: unknown, prefix: readonly Segment[], out: Issue[]): void {
  for (const issue of error.issues) {
    const rel = issue.path as PropertyKey[];
    const path = [...prefix, ...rel.map((s) => (typeof s === 'symbol' ? String(s) : s))];
    switch (issue.code) {
      case 'invalid_type': {
        const value = valueAt(root, rel);
        if (value === undefined) out.push({ path, rule: 'required', detail: 'is required' });
        else out.push({ path, rule: 'type', detail: `must be ${issue.expected}, got ${describe(value)}` });
        break;
      }
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1) {
          out.push({ path, rule: 'non-empty', detail: 'must not be empty' });
        } else {
          out.push({ path, rule: 'min', detail: issue.message });
        }
        break;
      case 'too_big':
        out.push({ path, rule: 'max', detail: issue.message });
        break;
      case 'invalid_value':
        out.push({
          path,
          rule: 'enum',
          detail: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(valueAt(root, rel))}`,
        });
        break;
      case 'invalid_union':
        out.push({ path, rule: 'type', detail: `does not match any allowed shape (${describe(valueAt(root, rel))} given)` });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], rule: 'unknown-field', detail: 'is not allowed' });
        break;
      case 'invalid_format':
        out.push({ path, rule: 'format', detail: issue.message });
        break;
      case 'custom': {
        const rule = issue.params?.['rule'];
        out.push({ path, rule: typeof rule === 'string' ? rule : 'custom', detail: issue.message });
        break;
      }
      default:
        out.push({ path, rule: issue.code, detail: issue.message });
    }
  }
}

/** A format-rule issue naming the bad value and Backstage's expectation. */
export function formatIssue(
  path: Segment[],
  rule: string,
  value: unknown,
  predicate: keyof typeof fieldExpectations,
): Issue {
  return { path, rule, detail: `${show(value)} is not valid, expected ${fieldExpectations[predicate]}` };
}
