import type { UrlReader } from '@portalkit/core';

/** The hosts portalkit integrates with; `git` is any git remote over smart HTTP. */
export type ScmIntegrationType = 'github' | 'gitlab' | 'bitbucketCloud' | 'bitbucketServer' | 'azure' | 'gitea' | 'git';

/**
 * A URL of a host, parsed by its integration's grammar: which repository, which ref, which path.
 * @example
 * ```ts
 * const location: ScmLocation = {
 *   type: 'github', host: 'github.com', owner: 'acme', repo: 'web', ref: 'main', path: 'catalog-info.yaml', kind: 'blob',
 * };
 * ```
 */
export interface ScmLocation {
  type: ScmIntegrationType;
  host: string;
  /**
   * The owner part of the repository path: a GitHub/Gitea owner, a GitLab group path (nested
   * groups joined by `/`), a Bitbucket workspace or project key, an Azure `org/project`, or the
   * directories before the repository of a plain git remote (may be empty).
   */
  owner: string;
  /** The repository name (without `.git`). */
  repo: string;
  /** Branch, tag or commit; `undefined` when the URL names none (the default branch is meant). */
  ref: string | undefined;
  /** Path inside the repository, without leading or trailing `/`; `''` is the repository root. */
  path: string;
  /** What the URL points at: a file (`blob`), a directory (`tree`), raw bytes, or an edit page. */
  kind: 'blob' | 'tree' | 'raw' | 'edit' | 'repo';
}

/**
 * Limits of one tree read: an archive or clone bigger than this is refused with a
 * `PayloadTooLargeError` before it is written anywhere.
 * @example
 * ```ts
 * const limits: TreeLimits = { maxBytes: 50 * 1024 * 1024, maxFiles: 10_000 };
 * ```
 */
export interface TreeLimits {
  /** Largest total size of the files of a tree (uncompressed); default 100 MiB. */
  maxBytes?: number;
  /** Most files in a tree; default 20,000. */
  maxFiles?: number;
}

/**
 * One configured host: its URL grammar and its reader. Created by the per-host factories
 * (`createGithubIntegration`, ...) or, from Backstage's config shape, by `createIntegrations`.
 *
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * integration.parseUrl('https://github.com/acme/web/blob/main/catalog-info.yaml');
 * ```
 */
export interface ScmIntegration {
  type: ScmIntegrationType;
  /** Host name (with port when not the default), e.g. `github.com`, `gitlab.example.com:8443`. */
  host: string;
  /** A human title for messages, e.g. `GitHub (github.com)`. */
  title: string;
  /** Parse a URL of this host; `undefined` when the URL is not of this host or has no known shape. */
  parseUrl(url: string): ScmLocation | undefined;
  /**
   * Resolve `url` against `base` (a blob or tree URL of this host) as Backstage does: relative
   * paths resolve within the same repository and ref; a path starting with `/` is from the
   * repository root; an absolute URL is returned unchanged. The result never leaves the
   * repository (`..` beyond its root is an `InputError`).
   */
  resolveUrl(options: { url: string; base: string; lineNumber?: number }): string;
  /** The URL of the page where a file is edited in the host's UI (Backstage's `edit-url`). */
  resolveEditUrl(url: string): string;
  /** Read files, trees and globs of this host (with its credentials, limits and allow-list). */
  reader: UrlReader;
}
