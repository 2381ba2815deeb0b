import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, NotAllowedError, NotFoundError, createUrlReader, isPathInside, type UrlReader } from '@portalkit/core';
import { resolveDirectoryUrl, type ScmIntegrations } from '@portalkit/integrations';
import {
  docsEntityName,
  docsEntityRef,
  MANAGED_BY_LOCATION_ANNOTATION,
  SOURCE_LOCATION_ANNOTATION,
  TECHDOCS_REF_ANNOTATION,
} from '../entity.js';
import { parseMkdocsConfig, type LoadedSite } from '../generate/config.js';
import { resolveWithin } from '../paths.js';
import { copySelected } from './copy-selected.js';
import { docsPaths, isCopyablePath, isSelected } from './docs-paths.js';
import type { BuildWarning, TechDocsEntity } from '../types.js';

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
  /** Files and bytes copied (only what mkdocs reads; see {@link prepareDocs}). */
  copied: { files: number; bytes: number };
  /** What was left out and why: symbolic links skipped, referenced paths outside the source. */
  warnings: BuildWarning[];
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
 * Copy docs sources into a temp dir: only what mkdocs reads — `mkdocs.yml` (or `mkdocs.yaml`),
 * its `docs_dir`, `theme.custom_dir`, an `INHERIT`ed config, `hooks` and explicit
 * `pymdownx.snippets` base paths — never `node_modules` or version-control folders, so `dir:.` at
 * an app root copies the docs, not the app. A source without a config is a `NotFoundError`.
 * Local sources are confined to `root`: a source directory resolving outside it is a
 * `NotAllowedError`. Inside the copied folders a symbolic link is followed only while it stays
 * inside the folder it is in; any other link is skipped and named in `warnings`, never failing
 * the build. An entity's `dir:` ref resolves against the
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
  // Only what mkdocs reads is copied: an app root also holds node_modules, .git and build output.
  const site = await loadLocalSite(realSource, directory);
  const selected = docsPaths(site);
  const dir = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'techdocs-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const copied = await copySelected(realSource, dir, selected.paths);
    const etag = createHash('sha256').update(copied.hashes.sort().join('\n')).digest('hex');
    return { dir, etag, cleanup, copied: { files: copied.files, bytes: copied.bytes }, warnings: [...selected.warnings, ...copied.warnings] };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** `mkdocs.yml` (or `.yaml`) of a local source; a config file linked from elsewhere is refused. */
async function loadLocalSite(realSource: string, shown: string): Promise<LoadedSite> {
  for (const configFile of ['mkdocs.yml', 'mkdocs.yaml']) {
    const file = path.join(realSource, configFile);
    const real = await realpath(file).catch(() => undefined);
    if (!real) continue;
    if (!isPathInside(realSource, real)) throw new NotAllowedError(`${configFile} of docs directory '${shown}' links outside it`);
    return parseMkdocsConfig(await readFile(real, 'utf8'), { root: realSource, configFile });
  }
  throw new NotFoundError(`docs directory '${shown}' has no mkdocs.yml or mkdocs.yaml`);
}

async function readRemoteTree(url: string, reader: UrlReader, options: PrepareOptions): Promise<PreparedDocs> {
  // NotModifiedError from the reader propagates: the caller's docs are current.
  // node_modules and VCS folders are filtered out by the reader; the rest is narrowed to what
  // mkdocs reads once the config is known.
  const tree = await reader.readTree(url, { etag: options.etag, signal: options.signal, filter: isCopyablePath });
  const dir = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'techdocs-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    for (const file of tree.files) {
      // Tree paths come from elsewhere; one that walks out of the temp dir is refused.
      if (path.isAbsolute(file.path) || file.path.includes('\\')) {
        throw new NotAllowedError(`tree file '${file.path}' is not a relative path`);
      }
      resolveWithin(dir, file.path, 'tree file');
    }
    const configFile = tree.files.find((f) => f.path === 'mkdocs.yml') ?? tree.files.find((f) => f.path === 'mkdocs.yaml');
    if (!configFile) throw new NotFoundError(`${url} has no mkdocs.yml or mkdocs.yaml`);
    const site = parseMkdocsConfig((await configFile.content()).toString('utf8'), { root: dir, configFile: configFile.path });
    const selected = docsPaths(site);
    const copied = { files: 0, bytes: 0 };
    for (const file of tree.files) {
      if (!isCopyablePath(file.path) || !isSelected(selected.paths, file.path)) continue;
      const to = resolveWithin(dir, file.path, 'tree file');
      const content = await file.content();
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(to, content);
      copied.files++;
      copied.bytes += content.length;
    }
    return { dir, etag: tree.etag, cleanup, copied, warnings: selected.warnings };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
