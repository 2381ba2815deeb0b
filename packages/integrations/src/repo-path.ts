import { InputError } from '@portalkit/core';

/**
 * Resolve `relative` against a file or directory path inside a repository, as URL resolution
 * does (`./x` and `x` beside a file, `../x` one up, `/x` from the repository root), but
 * refusing to leave the repository: `..` past the root is an `InputError`. Paths have no
 * leading or trailing `/`; `''` is the root.
 * @example
 * ```ts
 * resolveRepoPath({ base: 'docs/index.md', baseIsDirectory: false, relative: '../README.md' }); // 'README.md'
 * ```
 */
export function resolveRepoPath(options: { base: string; baseIsDirectory: boolean; relative: string }): string {
  const { relative } = options;
  const baseSegments = options.base.split('/').filter(Boolean);
  if (!options.baseIsDirectory) baseSegments.pop();
  const segments = relative.startsWith('/') ? [] : baseSegments;
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw new InputError(`${JSON.stringify(relative.slice(0, 200))} leads outside the repository`);
      segments.pop();
    } else segments.push(segment);
  }
  return segments.join('/');
}

/**
 * True when `url` is absolute (has a scheme), so resolution returns it unchanged.
 * @example
 * ```ts
 * isAbsoluteUrl('https://example.com/x'); // true
 * ```
 */
export function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** A repository path segment (owner, repository, project): no separators, no dot segments. */
export function isSafeSegment(segment: string | undefined): segment is string {
  return !!segment && /^[\w.-]+$/.test(segment) && segment !== '.' && segment !== '..';
}
