import type { z } from 'zod';
import { InputError } from '../errors.js';
import { formatPath, isPlainObject, type KeyPath } from './paths.js';

/**
 * Read one value from a loaded config tree by path (`catalog.locations[0].target`), optionally
 * validating it with a zod schema. This is how a plugin reads its own section of the
 * `PortalContext.config` it is given. A missing value is `undefined` (which a schema may default
 * or reject); a schema failure is an `InputError` naming the full key path.
 *
 * @example
 * ```ts
 * const locations = readConfigValue(
 *   context.config,
 *   'catalog.locations',
 *   z.array(z.object({ type: z.string(), target: z.string() })).default([]),
 * );
 * const title = readConfigValue(context.config, 'app.title'); // unknown
 * ```
 */
export function readConfigValue<S extends z.ZodType = z.ZodUnknown>(
  config: unknown,
  path: string,
  schema?: S,
): z.output<S> {
  const keys = parseKeyPath(path);
  let node: unknown = config;
  for (const key of keys) {
    if (typeof key === 'number' ? !Array.isArray(node) : !isPlainObject(node)) {
      node = undefined;
      break;
    }
    // Own properties only: `constructor` or `toString` must not resolve to inherited members.
    node = Object.hasOwn(node as object, key) ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  if (!schema) return node as z.output<S>;
  const result = schema.safeParse(node);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const full = [...keys, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    return `${formatPath(full)}: ${issue.message}`;
  });
  throw new InputError(`Invalid config: ${issues.join('; ')}`);
}

function parseKeyPath(path: string): KeyPath {
  if (typeof path !== 'string' || path === '') throw new InputError('config path must be a non-empty string');
  const keys: Array<string | number> = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match || match[1] === '') {
      throw new InputError(`malformed config path ${JSON.stringify(path)}`);
    }
    if (match[1]) keys.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}
