import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { formatPath, isPlainObject, type KeyPath } from './paths.js';
import { readConfigValue } from './read-value.js';
import { configSourceOf, type Origin, originOf } from './source.js';

/**
 * Options of {@link readConfigSection}.
 * @example
 * ```ts
 * const options: ReadConfigSectionOptions = {
 *   logger,
 *   ignored: { 'generator.runIn': 'portalkit runs mkdocs in-process, never in a container' },
 * };
 * ```
 */
export interface ReadConfigSectionOptions {
  /** Receives one warning per unknown key and per ignored key present (with file:line). */
  logger?: Pick<Logger, 'warn'>;
  /**
   * Keys of the section that are accepted but have no meaning here, with the reason, e.g.
   * `{ 'generator.runIn': '...' }`. Paths are relative to the section, `.`-separated; `*`
   * matches any one key or array index. A present key is reported once as `ignored: <reason>`.
   */
  ignored?: Record<string, string>;
}

/**
 * Read and validate one section of a loaded config (`catalog`, `techdocs.publisher`, ...) with
 * the schema of the package that owns it; this is how a plugin reads its own config at start.
 * Errors are an `InputError` naming the file and line the value came from and the full key path
 * (`app-config.yaml:14: catalog.locations[2].type: Invalid option ...`), every problem at once.
 * Keys the schema does not know are dropped and logged as a warning with their file:line (an
 * app-config carries keys for other programs, e.g. Backstage's frontend); keys listed in
 * `ignored` are logged once with their reason. A missing section is `undefined`, which the
 * schema may default or reject. Config not returned by `loadConfig` is read the same way,
 * without file and line.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ dir: process.cwd() });
 * const catalog = readConfigSection(config, 'catalog', z.object({ locations: z.array(z.object({ type: z.string(), target: z.string() })).default([]) }).default({ locations: [] }));
 * ```
 */
export function readConfigSection<S extends z.ZodType>(
  config: unknown,
  path: string,
  schema: S,
  options: ReadConfigSectionOptions = {},
): z.output<S> {
  const raw: unknown = readConfigValue(config, path);
  const base = parseSectionPath(path);
  const source = configSourceOf(config);
  const where = (keyPath: KeyPath) => describeOrigin(source ? originOf(source.origins, keyPath) : undefined);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => {
      const full = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      return `${where(full)}${formatPath(full)}: ${issue.message}`;
    });
    throw new InputError(messages.join('; '));
  }
  const ignored = Object.entries(options.ignored ?? {});
  const visit = (input: unknown, output: unknown, rel: KeyPath) => {
    if (Array.isArray(input) && Array.isArray(output)) {
      input.forEach((item, i) => visit(item, output[i], [...rel, i]));
      return;
    }
    if (!isPlainObject(input)) return;
    for (const [key, value] of Object.entries(input)) {
      const keyRel = [...rel, key];
      const full = [...base, ...keyRel];
      const reason = ignored.find(([pattern]) => matches(pattern, keyRel))?.[1];
      if (reason !== undefined) {
        options.logger?.warn(`${where(full)}${formatPath(full)}: ignored: ${reason}`);
      } else if (isPlainObject(output) && !Object.hasOwn(output, key)) {
        options.logger?.warn(`${where(full)}${formatPath(full)}: unknown key, not read by portalkit`);
      } else if (isPlainObject(output)) {
        visit(value, output[key], keyRel);
      }
    }
  };
  // Only where the output kept the input's shape: a transformed value has no keys to compare.
  visit(raw, result.data, []);
  return result.data;
}

/**
 * The directory the config was loaded from (`loadConfig`'s `dir`, absolute), against which
 * relative paths in it resolve; `undefined` for config `loadConfig` did not return.
 * @example
 * ```ts
 * const config = await loadConfig({ dir: '/srv/portal' });
 * configDir(config); // '/srv/portal'
 * ```
 */
export function configDir(config: unknown): string | undefined {
  return configSourceOf(config)?.dir;
}

function describeOrigin(origin: Origin | undefined): string {
  if (!origin) return '';
  const line = origin.line?.();
  return line === undefined ? `${origin.source}: ` : `${origin.source}:${line}: `;
}

function parseSectionPath(path: string): KeyPath {
  // readConfigValue has already rejected a malformed path.
  const keys: Array<string | number> = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)!;
    if (match[1]) keys.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

function matches(pattern: string, path: KeyPath): boolean {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((part, i) => part === '*' || part === String(path[i]));
}
