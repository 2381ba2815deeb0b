/**
 * Shared contracts of the TechDocs pipeline (prepare -> generate -> publish).
 */
import type { InputError } from '@portalkit/core';

/**
 * The part of a catalog entity TechDocs needs. Accepted structurally so this package does not
 * depend on `@portalkit/catalog`.
 *
 * @example
 * ```ts
 * const entity: TechDocsEntity = {
 *   kind: 'Component',
 *   metadata: { name: 'svc', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
 * };
 * ```
 */
export interface TechDocsEntity {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
}

/** The lowercased `namespace/kind/name` triple that addresses an entity's docs. */
export interface DocsEntityName {
  namespace: string;
  kind: string;
  name: string;
}

/**
 * One problem found while building: a broken link, a missing nav target, a path escaping the
 * docs directory. `file` is relative to the docs directory (or the site root for `mkdocs.yml`).
 *
 * @example
 * ```ts
 * const w: BuildWarning = { file: 'guide.md', line: 3, message: 'broken link to missing.md' };
 * ```
 */
export interface BuildWarning {
  file: string;
  line?: number;
  message: string;
}

/**
 * A page that could not be rendered because of what its author wrote (it nests deeper than the
 * pipeline's limit, or a plugin refused it with `file.fail` or an `InputError`): it is left out
 * of the site, which is built and published without it. The same problem is in the build's
 * warnings, so a strict build fails (and publishes nothing).
 *
 * @example
 * ```ts
 * for (const { file, error } of result.failed) console.error(file, error.message);
 * ```
 */
export interface BuildFailure {
  /** The page's source, relative to the docs directory. */
  file: string;
  /** The line the failure points at, when known. */
  line?: number;
  /** Names the file (and line) and the reason: a `PageBuildError`. */
  error: InputError;
}

/**
 * Options of a TechDocs build: a log callback, and which named version to build and publish.
 *
 * @example
 * ```ts
 * await techdocs.build(entity, { version: 'v1.0.0', ref: 'v1.0.0' });
 * ```
 */
export interface TechDocsBuildOptions {
  onLog?(message: string): void;
  /**
   * Publish as this named version (`docsVersionSchema`) instead of the default (latest) site;
   * default `ref` when that is a valid version name.
   */
  version?: string;
  /**
   * Read the sources at this git tag or branch (the docs location must be a tree URL of a
   * configured host); implies a named version.
   */
  ref?: string;
}

/**
 * Progress reported while building.
 *
 * @example
 * ```ts
 * const onProgress = (p: BuildProgress) => console.log(`${p.phase} ${p.done}/${p.total}`);
 * ```
 */
export interface BuildProgress {
  phase: 'read' | 'render' | 'assets' | 'write';
  done: number;
  total: number;
  file?: string;
}

/**
 * What a build did. `rendered` + `skipped` is the number of pages in the site; `failed` pages
 * are left out of it.
 *
 * @example
 * ```ts
 * const { rendered, skipped, warnings } = await buildDocs({ source: '.', output: './site' });
 * ```
 */
export interface BuildResult {
  /** Pages whose HTML was rendered and written by this build. */
  rendered: string[];
  /** Pages left untouched because neither they nor the site layout changed. */
  skipped: string[];
  /** Pages that failed alone (see {@link BuildFailure}); they are not in the site. */
  failed: BuildFailure[];
  warnings: BuildWarning[];
  /** Content hash of all sources and the config; stored as the metadata `etag`. */
  etag: string;
  metadata: TechDocsMetadata;
}

/**
 * `techdocs_metadata.json`, in the format Backstage's TechDocs reader and frontend expect.
 *
 * @example
 * ```ts
 * const meta: TechDocsMetadata = {
 *   site_name: 'Docs', site_description: '', etag: 'abc', build_timestamp: Date.now(), files: ['index.html'],
 * };
 * ```
 */
export interface TechDocsMetadata {
  site_name: string;
  site_description: string;
  etag: string;
  /** Milliseconds since the epoch, like Backstage's `Date.now()`. */
  build_timestamp: number;
  /** Every generated file, relative to the site root, with `/` separators. */
  files: string[];
}

/**
 * One entry of MkDocs' `search/search_index.json`.
 *
 * @example
 * ```ts
 * const doc: SearchIndexDoc = { location: 'guide/#install', title: 'Install', text: 'Run it.' };
 * ```
 */
export interface SearchIndexDoc {
  location: string;
  title: string;
  text: string;
}

/**
 * MkDocs' `search/search_index.json`, read by MkDocs themes and the TechDocs search.
 *
 * @example
 * ```ts
 * const index: SearchIndex = { config: { lang: ['en'], separator: '[\\s\\-]+', pipeline: ['stopWordFilter'] }, docs: [] };
 * ```
 */
export interface SearchIndex {
  config: {
    lang: string[];
    separator: string;
    pipeline: string[];
    [key: string]: unknown;
  };
  docs: SearchIndexDoc[];
}
