import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import { locateYamlPath, parseYamlDocuments } from '../yaml.js';
import { formatPath, isPlainObject, joinKey, type KeyPath } from './paths.js';
import { type Origin, originOf, rememberConfigSource } from './source.js';
import { substituteEnv } from './substitute.js';

/**
 * Options of {@link loadConfig}.
 * @example
 * ```ts
 * await loadConfig({ schema, dir: '/etc/portal', files: ['base.yaml', 'prod.yaml'], env: { TOKEN: 'x' } });
 * ```
 */
export interface LoadConfigOptions<S extends z.ZodType = AnyConfigSchema> {
  /**
   * zod schema the merged config must satisfy; the result has its output type. Default: any
   * mapping, for portals whose plugins read and validate their own sections at start
   * (`readConfigSection`).
   */
  schema?: S;
  /** Directory the config files are read from; default `process.cwd()`. */
  dir?: string;
  /**
   * Files to read, in order (later wins), relative to `dir`. Default
   * `['app-config.yaml', 'app-config.local.yaml']`, where a missing default file is skipped;
   * a file listed here explicitly must exist.
   */
  files?: string[];
  /**
   * Environment for `${VAR}` substitution and `PORTALKIT_CONFIG_a__b` overrides;
   * default `process.env`.
   */
  env?: Record<string, string | undefined>;
}


const anyConfig = z.record(z.string(), z.unknown());
/**
 * The schema `loadConfig` uses when given none: any mapping of keys to values.
 * @example
 * ```ts
 * const config: z.output<AnyConfigSchema> = await loadConfig();
 * ```
 */
export type AnyConfigSchema = typeof anyConfig;

const defaultFiles = ['app-config.yaml', 'app-config.local.yaml'];
const envPrefix = 'PORTALKIT_CONFIG_';
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Load, merge and validate the app config.
 *
 * Reads `app-config.yaml` then `app-config.local.yaml` from `dir` (deep merge: objects merge,
 * arrays and scalars are replaced by the later file), substitutes `${VAR}` in string values
 * (`$${VAR}` keeps a literal `${VAR}`), applies `PORTALKIT_CONFIG_<path>` environment overrides
 * (path segments joined by `__`; values are JSON-parsed when they parse, else kept as strings),
 * then validates with `schema`. Every failure is an `InputError` naming the file (or environment
 * variable), the line where known, and the key path.
 *
 * @example
 * ```ts
 * const schema = z.object({
 *   app: z.object({ title: z.string().default('Portal') }).default({ title: 'Portal' }),
 *   catalog: z.object({ locations: z.array(z.object({ type: z.string(), target: z.string() })) }),
 * });
 * const config = await loadConfig({ schema, dir: process.cwd() });
 * config.catalog.locations[0]?.target;
 * ```
 */
export async function loadConfig<S extends z.ZodType = AnyConfigSchema>(options: LoadConfigOptions<S> = {}): Promise<z.output<S>> {
  const dir = options.dir ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.files !== undefined;
  const origins = new Map<string, Origin>();
  let merged: Record<string, unknown> = {};

  // Problems in one file or variable don't hide those in the next: all are reported together.
  const problems: string[] = [];
  const collect = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  };

  for (const file of options.files ?? defaultFiles) {
    const text = await readConfigFile(resolve(dir, file), file, explicit);
    if (text === undefined) continue;
    collect(() => {
      const docs = parseYamlDocuments(text, { file });
      if (docs.length > 1) {
        throw new InputError(`${file}:${docs[1]!.line}:1: a config file must hold a single YAML document`);
      }
      const doc = docs[0];
      if (!doc) return;
      if (!isPlainObject(doc.value)) {
        throw new InputError(`${file}:${doc.line}:1: config must be a mapping of keys to values`);
      }
      const at = (path: KeyPath): Origin => ({ source: file, line: () => lineOf(text, doc.line, path) });
      assertSafeKeys(doc.value, [], (path, message) => describeIssue(at(path), path, message));
      const substituted = substituteEnv(doc.value, env, (path, message) => describeIssue(at(path), path, message));
      merged = mergeInto(merged, substituted, [], origins, at) as Record<string, unknown>;
    });
  }

  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!name.startsWith(envPrefix) || raw === undefined) continue;
    collect(() => {
      const path = name.slice(envPrefix.length).split('__');
      const origin: Origin = { source: `environment variable ${name}` };
      if (path.some((segment) => segment === '')) throw new InputError(`${origin.source}: empty key segment in config path`);
      path.forEach((segment, i) => {
        if (forbiddenKeys.has(segment)) {
          throw new InputError(describeIssue(origin, path.slice(0, i + 1), `key "${segment}" is not allowed in config`));
        }
      });
      const value = parseEnvValue(raw);
      assertSafeKeys(value, path, (p, message) => describeIssue(origin, p, message));
      merged = setPath(merged, path, value, origins, origin);
    });
  }
  // Validating a half-merged tree would only add noise to the real problems.
  if (problems.length > 0) throw new InputError(problems.join('; '));

  const schema = options.schema ?? anyConfig;
  const result = schema.safeParse(merged);
  if (result.success) {
    // Plugins validate their own sections later (readConfigSection) and still name file:line.
    rememberConfigSource(result.data, { dir: resolve(dir), origins });
    return result.data as z.output<S>;
  }
  const messages = result.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    return describeIssue(originOf(origins, path), path, issue.message);
  });
  throw new InputError(`Invalid config: ${messages.join('; ')}`);
}

async function readConfigFile(path: string, file: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!required) return undefined;
      throw new NotFoundError(`config file ${file} does not exist`);
    }
    throw new InputError(`could not read config file ${file}`, { cause: error });
  }
}

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `app-config.yaml: catalog.locations[0].target: <message> (line 4)`. */
function describeIssue(origin: Origin | undefined, path: KeyPath, message: string): string {
  const line = origin?.line?.();
  const where = origin ? `${origin.source}: ` : '';
  return `${where}${formatPath(path) || '(root)'}: ${message}${line === undefined ? '' : ` (line ${line})`}`;
}

function lineOf(text: string, docLine: number, path: KeyPath): number | undefined {
  // A missing key has no line of its own; its nearest present parent does.
  for (let n = path.length; n >= 0; n--) {
    const line = locateYamlPath(text, docLine, path.slice(0, n));
    if (line !== undefined) return line;
  }
  return undefined;
}

/** Keys that could reach `Object.prototype` through a naive merge in a consumer. */
function assertSafeKeys(value: unknown, path: KeyPath, describe: (path: KeyPath, message: string) => string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertSafeKeys(item, [...path, index], describe));
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      if (forbiddenKeys.has(key)) throw new InputError(describe(childPath, `key "${key}" is not allowed in config`));
      assertSafeKeys(child, childPath, describe);
    }
  }
}

/** Deep-merge `next` over `base`, recording which source supplied each path. */
function mergeInto(
  base: unknown,
  next: unknown,
  path: KeyPath,
  origins: Map<string, Origin>,
  at: (path: KeyPath) => Origin,
): unknown {
  if (isPlainObject(base) && isPlainObject(next)) {
    origins.set(joinKey(path), at(path));
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(next)) {
      out[key] = mergeInto(base[key], value, [...path, key], origins, at);
    }
    return out;
  }
  // Replaced wholesale: everything below now comes from this source.
  clearBelow(origins, path);
  recordAll(next, path, origins, at);
  return next;
}

function recordAll(value: unknown, path: KeyPath, origins: Map<string, Origin>, at: (path: KeyPath) => Origin): void {
  origins.set(joinKey(path), at(path));
  if (Array.isArray(value)) value.forEach((item, i) => recordAll(item, [...path, i], origins, at));
  else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) recordAll(child, [...path, key], origins, at);
  }
}

function clearBelow(origins: Map<string, Origin>, path: KeyPath): void {
  const prefix = joinKey(path);
  for (const key of origins.keys()) {
    if (key === prefix || key.startsWith(`${prefix}\u0000`) || prefix === '') origins.delete(key);
  }
}

function setPath(
  root: Record<string, unknown>,
  path: KeyPath,
  value: unknown,
  origins: Map<string, Origin>,
  origin: Origin,
): Record<string, unknown> {
  const assign = (node: unknown, depth: number): unknown => {
    if (depth === path.length) {
      clearBelow(origins, path);
      recordAll(value, path, origins, () => origin);
      return value;
    }
    const segment = path[depth]!;
    const here = path.slice(0, depth);
    if (Array.isArray(node) && /^\d+$/.test(String(segment))) {
      const copy = [...node];
      copy[Number(segment)] = assign(node[Number(segment)], depth + 1);
      origins.set(joinKey(here), origin);
      return copy;
    }
    const copy: Record<string, unknown> = isPlainObject(node) ? { ...node } : {};
    if (!isPlainObject(node)) clearBelow(origins, here);
    copy[segment] = assign(isPlainObject(node) ? node[segment] : undefined, depth + 1);
    origins.set(joinKey(here), origin);
    return copy;
  };
  return assign(root, 0) as Record<string, unknown>;
}
