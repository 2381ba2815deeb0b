import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, NotAllowedError, createUrlReader, isPathInside, realpathOfExistingAncestor, type UrlReader } from '@portalkit/core';
import { resolveDirectoryUrl, type ScmIntegrations } from '@portalkit/integrations';
import {
  docsEntityName,
  docsEntityRef,
  MANAGED_BY_LOCATION_ANNOTATION,
  SOURCE_LOCATION_ANNOTATION,
  TECHDOCS_REF_ANNOTATION,
} from '../entity.js';
import { resolveWithin } from '../paths.js';
import type { TechDocsEntity } from '../types.js';

/**
 * Docs sources copied into a private temp dir, ready for `buildDocs`. `cleanup()` removes the copy.
 *
 * @example
 * ```ts
 * const prepared = await prepareDocs({ directory: './my-service' }, { root: process.cwd() });
 * try { await buildDocs({ source: prepared.dir, output: './site' }); } finally { await prepared.cleanup(); }
 * ```
 */
export interface PreparedDocs {
  dir: string;
  /** Content hash of the copied tree, or the reader's etag for `url:` sources. */
  etag: string;
  cleanup(): Promise<void>;
}

/** Where docs come from: a directory, or an entity's `backstage.io/techdocs-ref` annotation. */
export type DocsSource = { directory: string } | { entity: TechDocsEntity };

/**
 * Options of {@link prepareDocs}.
 *
 * @example
 * ```ts
 * const options: PrepareOptions = { root: '/srv/repos', reader };
 * ```
 */
export interface PrepareOptions {
  /** Local sources (directories, `dir:` refs of `file:` locations) must stay below this directory. */
  root: string;
  /** Reads `url:` sources and `dir:` refs of `url:` locations (after `integrations`' hosts). */
  reader?: UrlReader;
  /**
   * Source hosts: their URLs are read with `readTree` through the host's reader, and a `dir:`
   * ref of an entity read from a host resolves within its repository (a tree URL of the same
   * repository and ref).
   */
  integrations?: ScmIntegrations;
  /** Parent of the temp dir; default the OS temp dir. */
  workDir?: string;
  /** The etag of the last build; a reader may then answer `NotModifiedError` (nothing to do). */
  etag?: string;
  signal?: AbortSignal;
}

/**
 * Copy docs sources into a temp dir. Local sources are confined to `root`: a path or symbolic link
 * leading outside it is a `NotAllowedError`. An entity's `dir:` ref resolves against the
 * directory of its `backstage.io/source-location` (or `managed-by-location`); `url:` refs and
 * remote locations are read with the `reader`'s `readTree`.
 *
 * @example
 * ```ts
 * const prepared = await prepareDocs({ entity }, { root: '/srv/repos', reader });
 * ```
 */
export async function prepareDocs(source: DocsSource, options: PrepareOptions): Promise<PreparedDocs> {
  if ('directory' in source) return copyDirectory(source.directory, options);
  const target = resolveDocsLocation(source.entity, options.integrations ? { integrations: options.integrations } : {});
  if (target.type === 'file') return copyDirectory(target.target, options);
  const reader = docsReader(options);
  if (!reader) {
    throw new InputError(`cannot read ${target.target}: no URL reader configured for techdocs`);
  }
  return readRemoteTree(target.target, reader, options);
}

/** The hosts' readers first, then `reader` for any other URL. */
function docsReader(options: Pick<PrepareOptions, 'reader' | 'integrations'>): UrlReader | undefined {
  if (!options.integrations) return options.reader;
  return createUrlReader({ readers: [options.integrations.reader, ...(options.reader ? [options.reader] : [])] });
}

/**
 * Where an entity's docs are: `{ type: 'file', target: dir }` or `{ type: 'url', target: url }`.
 * A `dir:` ref of an entity whose location is a configured host's URL resolves with the host's
 * grammar (Backstage's `transformDirLocation`): a tree URL within the same repository and ref.
 *
 * @example
 * ```ts
 * resolveDocsLocation({ kind: 'Component', metadata: { name: 'a', annotations: {
 *   'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/managed-by-location': 'file:/repos/a/catalog-info.yaml' } } });
 * // { type: 'file', target: '/repos/a' }
 * ```
 */
export function resolveDocsLocation(
  entity: TechDocsEntity,
  options: { integrations?: ScmIntegrations } = {},
): { type: 'file' | 'url'; target: string } {
  const ref = docsEntityRef(docsEntityName(entity));
  const annotations = entity.metadata.annotations ?? {};
  const techdocsRef = annotations[TECHDOCS_REF_ANNOTATION];
  if (!techdocsRef) throw new InputError(`entity ${ref} has no ${TECHDOCS_REF_ANNOTATION} annotation`);
  const [type, target] = splitLocation(techdocsRef, ref);
  if (type === 'url') return { type: 'url', target };
  if (type !== 'dir') {
    throw new InputError(`entity ${ref}: unsupported ${TECHDOCS_REF_ANNOTATION} type '${type}' (use dir: or url:)`);
  }
  const location = annotations[SOURCE_LOCATION_ANNOTATION] ?? annotations[MANAGED_BY_LOCATION_ANNOTATION];
  if (!location) {
    throw new InputError(`entity ${ref}: a dir: techdocs-ref needs a ${SOURCE_LOCATION_ANNOTATION} or ${MANAGED_BY_LOCATION_ANNOTATION} annotation`);
  }
  const [locationType, locationTarget] = splitLocation(location, ref);
  if (locationType === 'url') {
    if (options.integrations?.byUrl(locationTarget)) {
      // A dir: ref names a directory: read as a tree URL of the entity's repository and ref.
      return { type: 'url', target: resolveDirectoryUrl(options.integrations, { url: target || '.', base: locationTarget }) };
    }
    const base = locationTarget.endsWith('/') ? locationTarget : new URL('.', locationTarget).toString();
    return { type: 'url', target: new URL(target, base).toString() };
  }
  if (locationType === 'file') {
    const file = locationTarget.startsWith('file://') ? new URL(locationTarget).pathname : locationTarget;
    const base = file.endsWith('/') ? file : path.dirname(file);
    return { type: 'file', target: path.resolve(base, target) };
  }
  throw new InputError(`entity ${ref}: cannot resolve dir: docs against a '${locationType}' location`);
}

function splitLocation(value: string, ref: string): [string, string] {
  const index = value.indexOf(':');
  if (index <= 0) throw new InputError(`entity ${ref}: '${value}' is not of the form <type>:<target>`);
  return [value.slice(0, index), value.slice(index + 1)];
}

async function copyDirectory(directory: string, options: PrepareOptions): Promise<PreparedDocs> {
  const root = path.resolve(options.root);
  const source = resolveWithin(root, directory, 'docs directory');
  const realRoot = await realpath(root);
  const realSource = await realpath(source).catch(() => {
    throw new InputError(`docs directory ${directory} does not exist`);
  });
  if (!isPathInside(realRoot, realSource)) throw new NotAllowedError(`docs directory '${directory}' resolves outside its allowed root`);
  const dir = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'techdocs-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const hashes: string[] = [];
    const walk = async (rel: string, ancestors: ReadonlySet<string> = new Set()) => {
      // A link back up the tree (to one of its own ancestors) would otherwise be walked forever.
      const real = await realpath(path.join(realSource, rel));
      if (ancestors.has(real)) return;
      const chain = new Set(ancestors).add(real);
      for (const entry of await readdir(path.join(realSource, rel), { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        const from = path.join(realSource, child);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          // A link is followed only while it stays below the allowed root.
          // A dangling link is judged by where it leads too, so an author cannot tell from the
          // answer whether a host file exists.
          const target = await realpath(from).catch(() => undefined);
          if (!isPathInside(realRoot, target ?? realpathOfExistingAncestor(from))) {
            throw new NotAllowedError(`symbolic link '${child}' points outside the allowed root`);
          }
          if (!target) continue;
          const info = await stat(target);
          isDir = info.isDirectory();
          isFile = info.isFile();
        }
        if (isDir) await walk(child, chain);
        else if (isFile) {
          const content = await readFile(from);
          const to = path.join(dir, child);
          await mkdir(path.dirname(to), { recursive: true });
          await writeFile(to, content);
          hashes.push(`${child}\0${createHash('sha256').update(content).digest('hex')}`);
        }
      }
    };
    await walk('');
    const etag = createHash('sha256').update(hashes.sort().join('\n')).digest('hex');
    return { dir, etag, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function readRemoteTree(url: string, reader: UrlReader, options: PrepareOptions): Promise<PreparedDocs> {
  // NotModifiedError from the reader propagates: the caller's docs are current.
  const tree = await reader.readTree(url, { etag: options.etag, signal: options.signal });
  const dir = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'techdocs-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    for (const file of tree.files) {
      // Tree paths come from elsewhere; one that walks out of the temp dir is refused.
      const to = resolveWithin(dir, file.path, 'tree file');
      if (path.isAbsolute(file.path) || file.path.includes('\\')) {
        throw new NotAllowedError(`tree file '${file.path}' is not a relative path`);
      }
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(to, await file.content());
    }
    return { dir, etag: tree.etag, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
