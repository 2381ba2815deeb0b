import { Minimatch } from 'minimatch';

/**
 * A glob path inside a repository split at its first segment with a glob character: `base`
 * is the directory to list (`''` for the root), `matches` tests a repository path against the
 * whole pattern (`**` crosses directories, dot files match).
 * @example
 * ```ts
 * const glob = parseGlobPath('services/**\/catalog-info.yaml');
 * glob.base; // 'services'
 * glob.matches('services/a/catalog-info.yaml'); // true
 * ```
 */
export interface GlobPath {
  base: string;
  matches(path: string): boolean;
}

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Parse a repository path that may hold a glob (see {@link GlobPath}). A path without glob
 * characters matches only itself.
 * @example
 * ```ts
 * parseGlobPath('**\/catalog-info.yaml').matches('a/b/catalog-info.yaml'); // true
 * ```
 */
export function parseGlobPath(pattern: string): GlobPath {
  const segments = pattern.split('/').filter(Boolean);
  const first = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  const base = (first < 0 ? segments.slice(0, -1) : segments.slice(0, first)).join('/');
  const matcher = new Minimatch(segments.join('/'), { dot: true });
  return { base, matches: (path) => matcher.match(path) };
}

/**
 * True when a path holds glob characters (a search URL rather than a file URL).
 * @example
 * ```ts
 * isGlobPath('**\/catalog-info.yaml'); // true
 * ```
 */
export function isGlobPath(path: string): boolean {
  return GLOB_CHARS.test(path);
}
