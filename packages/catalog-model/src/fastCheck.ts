import type { z } from 'zod';

/*
 * Compile a zod schema into a plain boolean predicate for the hot path. zod's safeParse builds
 * an output copy of every object it parses (loose objects copy each unknown key), which costs
 * more than the checks themselves; a predicate allocates nothing. Only a conservative subset is
 * compiled (objects, strings with length/regex checks, booleans, arrays, records, enums,
 * literals, unions, optional, nullable, unknown); anything else returns `undefined` and the
 * caller keeps using zod. zod stays the authority: the validator calls safeParse whenever the
 * predicate says no, to produce the error details.
 */

type Check = (value: unknown) => boolean;

interface ZodDefLike {
  type: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDefLike {
  return (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileString(def: ZodDefLike): Check | undefined {
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c['when'] !== undefined && c['check'] !== 'min_length' && c['check'] !== 'max_length') return undefined;
    if (c['check'] === 'min_length') min = Math.max(min, Number(c['minimum']));
    else if (c['check'] === 'max_length') max = Math.min(max, Number(c['maximum']));
    else if (c['check'] === 'length_equals') {
      min = Math.max(min, Number(c['length']));
      max = Math.min(max, Number(c['length']));
    } else if (c['check'] === 'string_format' && c['format'] === 'regex' && c['pattern'] instanceof RegExp) {
      const pattern = c['pattern'];
      // A global or sticky regex carries lastIndex between calls; leave those to zod.
      if (pattern.global || pattern.sticky) return undefined;
      patterns.push(pattern);
    } else return undefined;
  }
  if (patterns.length === 0) {
    if (min === 0 && max === Infinity) return (v) => typeof v === 'string';
    return (v) => typeof v === 'string' && v.length >= min && v.length <= max;
  }
  return (v) => typeof v === 'string' && v.length >= min && v.length <= max && patterns.every((p) => p.test(v));
}

function compileObject(def: ZodDefLike): Check | undefined {
  const keys: string[] = [];
  const checks: Check[] = [];
  for (const [key, schema] of Object.entries(def.shape ?? {})) {
    const check = compile(schema);
    if (!check) return undefined;
    keys.push(key);
    checks.push(check);
  }
  const count = keys.length;
  const catchallType = def.catchall ? defOf(def.catchall).type : undefined;
  let extra: Check | undefined;
  let rejectExtra = false;
  if (catchallType === 'never') rejectExtra = true;
  else if (def.catchall && catchallType !== 'unknown' && catchallType !== 'any') {
    extra = compile(def.catchall);
    if (!extra) return undefined;
  }
  const known = new Set(keys);
  return (value) => {
    if (!isObject(value)) return false;
    for (let i = 0; i < count; i++) if (!checks[i]!(value[keys[i]!])) return false;
    if (rejectExtra || extra) {
      for (const key of Object.keys(value)) {
        if (known.has(key)) continue;
        if (rejectExtra || !extra!(value[key])) return false;
      }
    }
    return true;
  };
}

function compile(schema: z.ZodType): Check | undefined {
  const def = defOf(schema);
  if (def.type !== 'string' && def.checks && def.checks.length > 0) return undefined;
  switch (def.type) {
    case 'string':
      return compileString(def);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'unknown':
    case 'any':
      return () => true;
    case 'object':
      return compileObject(def);
    case 'optional': {
      const inner = def.innerType && compile(def.innerType);
      return inner && ((v) => v === undefined || inner(v));
    }
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType);
      return inner && ((v) => v === null || inner(v));
    }
    case 'array': {
      const element = def.element && compile(def.element);
      return element && ((v) => Array.isArray(v) && v.every((item) => element(item)));
    }
    case 'record': {
      if (!def.keyType || !def.valueType) return undefined;
      const keyDef = defOf(def.keyType);
      if (keyDef.type !== 'string' || (keyDef.checks?.length ?? 0) > 0) return undefined;
      const valueCheck = compile(def.valueType);
      return (
        valueCheck &&
        ((v) => {
          if (!isObject(v)) return false;
          for (const key of Object.keys(v)) if (!valueCheck(v[key])) return false;
          return true;
        })
      );
    }
    case 'enum': {
      const allowed = new Set(Object.values(def.entries ?? {}));
      return (v) => allowed.has(v);
    }
    case 'literal': {
      const allowed = new Set(def.values ?? []);
      return (v) => allowed.has(v);
    }
    case 'union': {
      const options = (def.options ?? []).map((option) => compile(option));
      if (options.length === 0 || options.some((o) => o === undefined)) return undefined;
      const checks = options as Check[];
      return (v) => checks.some((check) => check(v));
    }
    default:
      return undefined;
  }
}

/**
 * A predicate that is true exactly when `schema.safeParse(value).success` would be, or
 * `undefined` when the schema uses constructs outside the compiled subset.
 *
 * @example
 * ```ts
 * const check = compileFastCheck(z.looseObject({ owner: z.string().min(1) }));
 * check?.({ owner: 'team-a' }); // true
 * ```
 */
export function compileFastCheck(schema: z.ZodType): Check | undefined {
  return compile(schema);
}
