import nunjucks from 'nunjucks';
import { InputError } from '@portalkit/core';
import type { JsonValue, TemplateFilter, TemplateGlobal } from '../types.js';
import { containsSecret, copyMarks, isSecret, readsSecret } from './taint.js';
import { copyStrictMark, missingMemberProblem } from './strict-lookup.js';

/** Options of {@link createTemplater}. */
export interface TemplaterOptions {
  /** Extra filters; they receive and return JSON, like Backstage's sandboxed filters. */
  filters?: Record<string, TemplateFilter>;
  /** Extra globals: JSON values or functions of JSON arguments. */
  globals?: Record<string, TemplateGlobal>;
  /**
   * `true` renders `{{ }}` (cookiecutter/jinja style) and adds the `jsonify` filter;
   * default renders `${{ }}` like Backstage.
   */
  cookiecutterCompat?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

/**
 * Renders one template string with a context. Throws `InputError` on template errors.
 * @example
 * ```ts
 * const render = createTemplater();
 * render('hello ${{ parameters.name }}', { parameters: { name: 'x' } }); // 'hello x'
 * ```
 */
export type Templater = ((template: string, context: Record<string, unknown>) => string) & {
  /**
   * Render and say whether the result came from a secret: the render looked up an object
   * holding secrets (the `secrets` context value, or anything marked as derived from it).
   * A failing render that read secrets throws with a fixed message, as its own message could
   * quote a piece of the secret.
   */
  tracked(template: string, context: Record<string, unknown>): { text: string; secret: boolean };
};

// Names that lead from a value to Function (and so to `process`/`require`): never resolvable.
const blockedNames = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
]);

const functionConstructors = new Set<unknown>([
  Function,
  Object.getPrototypeOf(async function () {}).constructor,
  Object.getPrototypeOf(function* () {}).constructor,
  Object.getPrototypeOf(async function* () {}).constructor,
]);

type Runtime = typeof nunjucks.runtime & {
  memberLookup(obj: unknown, val: unknown): unknown;
  fromIterator(obj: unknown): unknown;
  inOperator(key: unknown, obj: unknown): boolean;
  callWrap(obj: unknown, name: string, context: unknown, args: unknown[]): unknown;
  contextOrFrameLookup(context: { lookup(name: string): unknown }, frame: { lookup(name: string): unknown }, name: string): unknown;
};

// A private copy of nunjucks' runtime with the lookups hardened. Compiled templates call the
// runtime they are handed, so the shared nunjucks module stays untouched for other users.
// Every lookup goes through it, so it also notes (`onSecret`) a render that reads a secret.
// It also stops at a missing member of a strict object (`onMissing`, see strict-lookup.ts).
function createSafeRuntime(onSecret: () => void, onMissing: (problem: string) => never): Runtime {
  const base = nunjucks.runtime as Runtime;
  const seen = <T>(value: T): T => {
    if (isSecret(value)) onSecret();
    return value;
  };
  return {
    ...base,
    memberLookup(obj: unknown, val: unknown) {
      if (obj === undefined || obj === null) return undefined;
      // Functions have no members worth reading from a template; `fn.constructor` is Function.
      if (typeof obj === 'function') return undefined;
      if (typeof val !== 'string' && typeof val !== 'number') return undefined;
      const key = String(val);
      if (blockedNames.has(key)) return undefined;
      if (readsSecret(obj, key)) onSecret();
      const target = obj as Record<string, unknown>;
      const missing = missingMemberProblem(obj, key);
      if (missing !== undefined) onMissing(missing);
      const value = target[key];
      if (typeof value === 'function') {
        if (functionConstructors.has(value)) return undefined;
        return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args);
      }
      return seen(value);
    },
    callWrap(obj: unknown, name: string, context: unknown, args: unknown[]) {
      if (functionConstructors.has(obj)) throw new Error(`Unable to call \`${name}\`: not allowed`);
      if (containsSecret(args)) onSecret();
      return base.callWrap(obj, name, context, args);
    },
    // Loops and `in` see every member at once, without a lookup per member.
    fromIterator(obj: unknown) {
      if (containsSecret(obj)) onSecret();
      return base.fromIterator(obj);
    },
    inOperator(key: unknown, obj: unknown) {
      if (containsSecret(obj)) onSecret();
      return base.inOperator(key, obj);
    },
    contextOrFrameLookup(context, frame, name) {
      if (blockedNames.has(name)) return undefined;
      const value = frame.lookup(name);
      return seen(value !== undefined ? value : context.lookup(name));
    },
  };
}

// Filters like `string`, `replace` or `join` turn a value into text with its own `toString`;
// for a function that is its source, which may carry host internals (keys, paths). Functions
// handed to templates print as a fixed word instead.
function opaque<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.defineProperty(fn, 'toString', { value: () => '[function]' });
  return fn;
}

/**
 * Deep copy of JSON-like data into null-prototype objects, so a template never reaches
 * `Object.prototype` through context values. Functions are dropped.
 */
export function toSafeData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 64) return undefined;
  if (value instanceof Date) return value.toISOString();
  let out: object;
  if (Array.isArray(value)) {
    out = value.map((v) => toSafeData(v, depth + 1));
  } else {
    const record = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      if (blockedNames.has(k)) continue;
      record[k] = toSafeData(v, depth + 1);
    }
    out = record;
  }
  // A copy of an object holding secrets holds them too, and a copy of a strict object is strict.
  copyMarks(value, out);
  copyStrictMark(value, out);
  return out;
}

// Filters and global functions exchange JSON with templates, as in Backstage's isolate.
function jsonRoundTrip(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : toSafeData(JSON.parse(text));
}

/**
 * Create a hardened nunjucks renderer: `${{ }}` variables (or `{{ }}` with `cookiecutterCompat`),
 * autoescape off, undefined renders empty, no loader (no `include`/`import` from disk), no access to
 * `constructor`/`__proto__` or members of functions, and the `range`/`cycler`/`joiner` globals
 * replaced by plain-data versions.
 *
 * @example
 * ```ts
 * const render = createTemplater({ filters: { shout: (s) => String(s).toUpperCase() } });
 * render('${{ parameters.name | shout }}', { parameters: { name: 'svc' } }); // 'SVC'
 * ```
 */
export function createTemplater(options: TemplaterOptions = {}): Templater {
  const env = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: options.trimBlocks ?? false,
    lstripBlocks: options.lstripBlocks ?? false,
    tags: options.cookiecutterCompat
      ? { variableStart: '{{', variableEnd: '}}' }
      : { variableStart: '${{', variableEnd: '}}' },
  });
  // Set by the runtime when the render in progress reads a secret (rendering is synchronous).
  let readSecret = false;
  // Set when the render in progress read a missing member of a strict object; thrown as it is,
  // since nunjucks rewraps what a render throws.
  let missingMember: string | undefined;
  const runtime = createSafeRuntime(
    () => {
      readSecret = true;
    },
    (problem) => {
      missingMember = problem;
      throw new Error(problem);
    },
  );

  // The built-in globals are functions holding closures; replace them with equivalents whose
  // results are plain data, so nothing callable escapes into the template.
  env.addGlobal('range', opaque((start: number, stop?: number, step = 1) => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    const out: number[] = [];
    if (!step || !Number.isFinite(from) || !Number.isFinite(to)) return out;
    for (let i = from; step > 0 ? i < to : i > to; i += step) {
      out.push(i);
      if (out.length > 100_000) break;
    }
    return out;
  }));
  env.addGlobal('cycler', undefined);
  env.addGlobal('joiner', undefined);

  if (options.cookiecutterCompat) {
    env.addFilter('jsonify', (value: unknown, indent?: number) => JSON.stringify(value, null, indent));
  }
  for (const [name, filter] of Object.entries(options.filters ?? {})) {
    env.addFilter(name, (...args: unknown[]) => jsonRoundTrip(filter(...(jsonRoundTrip(args) as JsonValue[]))));
  }
  // A filter given an object holding a secret (`steps | dump`) reads it whole.
  const filters = (env as unknown as { filters: Record<string, (...args: unknown[]) => unknown> }).filters;
  for (const [name, filter] of Object.entries(filters)) {
    filters[name] = function (this: unknown, ...args: unknown[]) {
      if (containsSecret(args)) readSecret = true;
      return filter.apply(this, args);
    };
  }
  for (const [name, value] of Object.entries(options.globals ?? {})) {
    if (typeof value === 'function') {
      env.addGlobal(name, opaque((...args: unknown[]) => jsonRoundTrip(value(...(jsonRoundTrip(args) as JsonValue[])))));
    } else {
      env.addGlobal(name, toSafeData(value));
    }
  }

  const cache = new Map<string, nunjucks.Template>();
  const compile = (source: string): nunjucks.Template => {
    let template = cache.get(source);
    if (template) return template;
    try {
      template = new nunjucks.Template(source, env, undefined, true);
    } catch (error) {
      throw new InputError(`Template syntax error: ${(error as Error).message}`);
    }
    const internal = template as unknown as { rootRenderFunc: (...args: unknown[]) => unknown };
    const root = internal.rootRenderFunc;
    internal.rootRenderFunc = (e: unknown, ctx: unknown, frame: unknown, _runtime: unknown, cb: unknown) =>
      root(e, ctx, frame, runtime, cb);
    // Bounded cache: step inputs repeat, file contents mostly do not.
    if (cache.size > 500) cache.clear();
    cache.set(source, template);
    return template;
  };

  const tracked = (source: string, context: Record<string, unknown>): { text: string; secret: boolean } => {
    // Fast path: no template syntax at all.
    if (!source.includes('{{') && !source.includes('{%') && !source.includes('{#')) return { text: source, secret: false };
    const template = compile(source);
    readSecret = false;
    missingMember = undefined;
    try {
      const text = template.render(toSafeData(context) as object);
      return { text, secret: readSecret };
    } catch (error) {
      // Names of steps and output keys only: never a secret.
      if (missingMember !== undefined) throw new InputError(missingMember);
      // A message of a render that read a secret may quote a slice of it (`got Ж`).
      if (readSecret) throw new InputError('Template rendering failed: an expression reading secrets failed (its message is hidden)');
      // Only the message: stacks and causes may carry host internals.
      throw new InputError(`Template rendering failed: ${String((error as Error)?.message ?? error).replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ')}`);
    } finally {
      readSecret = false;
      missingMember = undefined;
    }
  };
  const render = ((source: string, context: Record<string, unknown>) => tracked(source, context).text) as Templater;
  render.tracked = tracked;
  return render;
}
