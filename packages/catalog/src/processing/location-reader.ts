import { dirname, relative, resolve } from 'node:path';
import { InputError, NotAllowedError, NotImplementedError, isError, isPathInside, parseYamlDocuments } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { glob } from 'tinyglobby';
import type { Entity } from '@portalkit/catalog-model';
import type { ProcessingError } from '../stores/types.js';
import { isGlob, stringifyLocationRef } from './paths.js';
import type { LocationSpec } from './processor.js';

/** The YAML an entity was parsed from, kept during a processing pass for `file:line` errors. */
export interface EntitySource {
  file: string;
  text: string;
  line: number;
}

/** One entity read from a location. */
export interface ReadEntity {
  entity: Entity;
  location: LocationSpec;
  source: EntitySource;
}

/** What the built-in readers need. */
export interface LocationReaderContext {
  rootDir: string;
  /** Reads `file` targets; confined to `rootDir`. */
  fileReader: UrlReader;
  /** Reads `url` targets. */
  urlReader: UrlReader;
  /** Source hosts: their grammar resolves relative targets and placeholders within a repository. */
  integrations?: ScmIntegrations;
}

/**
 * Resolve a target written in an entity (a Location's `spec.target`) against the location that
 * entity was read from: files relative to its directory, URLs relative to its URL.
 */
export function resolveTarget(
  base: LocationSpec | undefined,
  type: string,
  target: string,
  rootDir: string,
  integrations?: ScmIntegrations,
): string {
  if (type === 'file') {
    if (base?.type === 'url') throw new NotAllowedError(`a file target (${target}) cannot be read from a url location`);
    const from = base?.type === 'file' ? dirname(base.target) : rootDir;
    return resolve(from, target);
  }
  if (type === 'url') {
    // A host's grammar resolves within the repository and ref of the base, as Backstage does.
    if (base?.type === 'url' && integrations?.byUrl(base.target)) return integrations.resolveUrl({ url: target, base: base.target });
    try {
      return new URL(target, base?.type === 'url' ? base.target : undefined).toString();
    } catch {
      throw new InputError(`invalid url target '${target}'`);
    }
  }
  return target;
}

/**
 * Read the entities of a `file` (path or glob below `rootDir`) or `url` location. Each YAML
 * document becomes one entity; problems (missing file, bad YAML, a document that is not an
 * object) are returned as errors and never stop the other files.
 */
export async function readBuiltinLocation(
  location: LocationSpec,
  context: LocationReaderContext,
): Promise<{ handled: boolean; entities: ReadEntity[]; errors: ProcessingError[]; failed: string[] }> {
  const entities: ReadEntity[] = [];
  const errors: ProcessingError[] = [];
  // `type:target` of each file that could not be read or parsed: what it held before stays.
  const failed: string[] = [];
  if (location.type !== 'file' && location.type !== 'url') return { handled: false, entities, errors, failed };
  const optional = location.presence === 'optional';

  const parse = (text: string, file: string, target: string) => {
    let docs;
    try {
      docs = parseYamlDocuments(text, { file });
    } catch (error) {
      errors.push(toProcessingError(error, { file, rule: 'yaml-syntax' }));
      failed.push(stringifyLocationRef({ type: location.type, target }));
      return;
    }
    for (const doc of docs) {
      if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
        errors.push({ name: 'InputError', message: `${file}:${doc.line}: expected an entity object`, file, line: doc.line, rule: 'type' });
        continue;
      }
      entities.push({
        entity: doc.value as Entity,
        location: { type: location.type, target },
        source: { file, text, line: doc.line },
      });
    }
  };

  if (location.type === 'file') {
    const target = resolve(context.rootDir, location.target);
    if (!isPathInside(context.rootDir, target)) {
      errors.push({ name: 'NotAllowedError', message: `${location.target} is outside the catalog root` });
      return { handled: true, entities, errors, failed };
    }
    let files: string[];
    if (isGlob(location.target)) {
      const pattern = relative(context.rootDir, target).split('\\').join('/');
      files = (await glob([pattern], { cwd: context.rootDir, absolute: true, onlyFiles: true }))
        .map((f) => resolve(f))
        .filter((f) => isPathInside(context.rootDir, f))
        .sort();
      if (files.length === 0 && !optional) {
        errors.push({ name: 'NotFoundError', message: `no file matches ${display(context.rootDir, target)}` });
      }
    } else files = [target];
    for (const file of files) {
      const name = display(context.rootDir, file);
      try {
        const { buffer } = await context.fileReader.read(file);
        parse(buffer.toString('utf8'), name, file);
      } catch (error) {
        if (optional && isError(error) && error.name === 'NotFoundError') continue;
        errors.push(toProcessingError(error, { file: name }));
        failed.push(stringifyLocationRef({ type: 'file', target: file }));
      }
    }
    return { handled: true, entities, errors, failed };
  }

  if (isUrlGlob(location.target)) {
    await readUrlGlob(location, context.urlReader, { parse, errors, failed });
    return { handled: true, entities, errors, failed };
  }
  try {
    const { buffer } = await context.urlReader.read(location.target);
    parse(buffer.toString('utf8'), location.target, location.target);
  } catch (error) {
    if (!(optional && isError(error) && error.name === 'NotFoundError')) {
      errors.push(toProcessingError(error, { file: location.target }));
      failed.push(stringifyLocationRef(location));
    }
  }
  return { handled: true, entities, errors, failed };
}

/** A glob url location (`.../blob/main/**\/catalog-info.yaml`): wildcards in the URL's path, never its query. */
function isUrlGlob(target: string): boolean {
  try {
    return /[*{}[\]]/.test(decodeURIComponent(new URL(target).pathname));
  } catch {
    return false;
  }
}

/**
 * Read every file a glob url location matches through the reader's `search` (Backstage's
 * UrlReaderProcessor): each file's entities are located at that file's own URL.
 */
async function readUrlGlob(
  location: LocationSpec,
  reader: UrlReader,
  out: { parse: (text: string, file: string, target: string) => void; errors: ProcessingError[]; failed: string[] },
): Promise<void> {
  const optional = location.presence === 'optional';
  let files: Array<{ url: string; content: () => Promise<Buffer> }>;
  try {
    if (!reader.search) throw new NotImplementedError(`the reader of ${location.target} cannot search (no glob support)`);
    files = [...(await reader.search(location.target)).files].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  } catch (error) {
    if (!(optional && isError(error) && error.name === 'NotFoundError')) {
      out.errors.push(toProcessingError(error, { file: location.target }));
      out.failed.push(stringifyLocationRef(location));
    }
    return;
  }
  if (files.length === 0 && !optional) out.errors.push({ name: 'NotFoundError', message: `no file matches ${location.target}`, file: location.target });
  for (const file of files) {
    try {
      out.parse((await file.content()).toString('utf8'), file.url, file.url);
    } catch (error) {
      out.errors.push(toProcessingError(error, { file: file.url }));
      out.failed.push(stringifyLocationRef({ type: 'url', target: file.url }));
    }
  }
}

/** A file path as shown in errors: relative to the root, with `/`. */
export function display(rootDir: string, file: string): string {
  const rel = relative(rootDir, file).split('\\').join('/');
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Turn anything thrown into a {@link ProcessingError}, picking `file:line` out of YAML errors. */
export function toProcessingError(error: unknown, details: { file?: string; path?: string; rule?: string } = {}): ProcessingError {
  const name = isError(error) ? error.name : 'Error';
  const message = isError(error) ? error.message : String(error);
  const out: ProcessingError = { name, message };
  if (details.file) {
    out.file = details.file;
    const m = message.match(new RegExp(`${escapeRegExp(details.file)}:(\\d+)`));
    if (m) out.line = Number(m[1]);
  }
  if (details.path) out.path = details.path;
  if (details.rule) out.rule = details.rule;
  return out;
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

