import { dirname, resolve } from 'node:path';
import { InputError, NotAllowedError, isError, isPathInside, parseYamlDocuments } from '@portalkit/core';
import type { Entity } from '@portalkit/catalog-model';
import type { ProcessingError } from '../stores/types.js';
import { display, toProcessingError, type LocationReaderContext } from './location-reader.js';
import type { LocationSpec } from './processor.js';

const resolvers = ['$text', '$json', '$yaml'] as const;
type Resolver = (typeof resolvers)[number];

/**
 * Replace Backstage placeholders — `{ $text: ./openapi.yaml }`, `{ $json: ... }`,
 * `{ $yaml: ... }` — by the content they point at, resolved relative to the file (or URL) the
 * entity was read from. Files must stay inside the catalog root and URLs on the origin of the
 * entity's URL (for a configured source host, within the entity's repository and ref, resolved by
 * its integration); a placeholder escaping that is a `NotAllowedError` (`InputError` for `..`
 * beyond a repository's root). Each failure is returned as an
 * error naming the placeholder's path; the others are still resolved.
 *
 * @example
 * ```ts
 * const { entity, errors } = await resolvePlaceholders(raw, { type: 'file', target: '/srv/api/catalog-info.yaml' }, context);
 * ```
 */
export async function resolvePlaceholders(
  entity: Entity,
  location: LocationSpec | undefined,
  context: LocationReaderContext,
): Promise<{ entity: Entity; errors: ProcessingError[] }> {
  const errors: ProcessingError[] = [];
  const cache = new Map<string, Promise<string>>();

  const read = (kind: Resolver, value: string): Promise<string> => {
    const key = `${kind}:${value}`;
    let p = cache.get(key);
    if (!p) {
      p = readTarget(value);
      cache.set(key, p);
    }
    return p;
  };

  const readTarget = async (value: string): Promise<string> => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || location?.type === 'url') {
      if (location?.type !== 'url') throw new NotAllowedError(`placeholder target ${value} must be a relative path`);
      const base = new URL(location.target);
      // A host's grammar keeps relative targets in the entity's repository and ref (Backstage's PlaceholderProcessor).
      const integrations = context.integrations?.byUrl(location.target) ? context.integrations : undefined;
      const url = new URL(integrations ? integrations.resolveUrl({ url: value, base: location.target }) : new URL(value, base).toString());
      if (url.origin !== base.origin) throw new NotAllowedError(`placeholder target ${value} leaves ${base.origin}`);
      return (await context.urlReader.read(url.toString())).buffer.toString('utf8');
    }
    if (location?.type !== 'file') throw new NotAllowedError(`placeholder ${value} needs a file or url location`);
    const file = resolve(dirname(location.target), value);
    if (!isPathInside(context.rootDir, file)) {
      throw new NotAllowedError(`placeholder target ${value} is outside the catalog root`);
    }
    return (await context.fileReader.read(file)).buffer.toString('utf8');
  };

  const walk = async (value: unknown, path: string): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => walk(v, `${path}[${i}]`)));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    const record = value as Record<string, unknown>;
    if (keys.length === 1 && (resolvers as readonly string[]).includes(keys[0]!)) {
      const kind = keys[0] as Resolver;
      const target = record[kind];
      try {
        if (typeof target !== 'string') throw new InputError(`${kind} placeholder at ${path} must be a string`);
        const text = await read(kind, target);
        if (kind === '$text') return text;
        if (kind === '$json') return JSON.parse(text) as unknown;
        const docs = parseYamlDocuments(text, { file: target });
        return docs[0]?.value ?? null;
      } catch (error) {
        const e = toProcessingError(error, { path, rule: 'placeholder' });
        if (!isError(error) || !error.message.includes(path)) e.message = `${path}: ${e.message}`;
        if (location?.type === 'file') e.file = display(context.rootDir, location.target);
        errors.push(e);
        return value;
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      // defineProperty: assigning a `__proto__` key would swap the copy's prototype and drop the key.
      Object.defineProperty(out, key, {
        value: await walk(record[key], path ? `${path}.${key}` : key),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };

  const resolved = (await walk(entity, '')) as Entity;
  return { entity: resolved, errors };
}

/**
 * Cheap check whether an entity has any placeholder, so most entities skip the async walk.
 *
 * @example
 * ```ts
 * containsPlaceholder({ spec: { definition: { $text: './api.yaml' } } }); // true
 * ```
 */
export function containsPlaceholder(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) {
    if (key.charCodeAt(0) === 36 /* $ */ && (resolvers as readonly string[]).includes(key)) return true;
    if (containsPlaceholder((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}
