import type { JsonObject, JsonValue } from '../types.js';
import { didYouMean } from './did-you-mean.js';
import { declaredProperties } from './step-references.js';
import { childPath } from './template-problem.js';

/** An input key the action's schema does not declare. */
export interface UnknownInputKey {
  /** Path below the input, `''` for the input itself: `values`, `files[0]`. */
  parent: string;
  /** `parent` plus the key, for the problem's location: `.repoUrll`, `.files[0].form`. */
  path: string;
  message: string;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema of one property or of array items, when the schema has one for it. */
function propertySchema(schema: unknown, key: string): unknown {
  if (!isObject(schema)) return undefined;
  const properties = schema.properties;
  if (isObject(properties) && properties[key] !== undefined) return properties[key];
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const found = propertySchema(branch, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The keys of `value` (a step's input, as written or as rendered) that its action's input schema
 * does not declare, at every depth where the schema declares a closed set of properties (see
 * `declaredProperties`). Values that are still template strings are not looked into.
 *
 * @example
 * ```ts
 * unknownInputKeys('publish:git', schema, { repoUrll: 'x' });
 * // [{ parent: '', path: '.repoUrll', message: 'publish:git has no input `repoUrll` (did you mean `repoUrl`?)' }]
 * ```
 */
export function unknownInputKeys(actionId: string, schema: unknown, value: JsonValue | undefined, parent = '', depth = 0): UnknownInputKey[] {
  const out: UnknownInputKey[] = [];
  collectUnknownKeys(actionId, schema, value, parent, depth, out);
  return out;
}

/** Appends to one `out`: spreading a child's problems (`push(...)`) overflows the stack past ~100,000. */
function collectUnknownKeys(actionId: string, schema: unknown, value: JsonValue | undefined, parent: string, depth: number, out: UnknownInputKey[]): void {
  if (depth > 32) return;
  if (Array.isArray(value)) {
    const items = isObject(schema) ? schema.items : undefined;
    if (isObject(items)) value.forEach((item, i) => collectUnknownKeys(actionId, items, item, childPath(parent, i), depth + 1, out));
    return;
  }
  if (!isObject(value)) return;
  const declared = declaredProperties(schema);
  for (const [key, child] of Object.entries(value)) {
    const path = childPath(parent, key);
    if (declared && !declared.includes(key)) {
      const where = parent ? `input \`${parent.replace(/^\./, '')}\` of ${actionId} has no key` : `${actionId} has no input`;
      out.push({ parent, path, message: `${where} \`${key}\`${didYouMean(key, declared)}` });
      continue;
    }
    const childSchema = propertySchema(schema, key);
    if (childSchema !== undefined) collectUnknownKeys(actionId, childSchema, child, path, depth + 1, out);
  }
}
