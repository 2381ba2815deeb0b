import { InputError } from '@portalkit/core';

/**
 * The decoded `/`-separated segments of a URL path, or `undefined` when a segment is hostile:
 * empty (`//`), a dot segment (also percent-encoded), or holding `/`, `\` or NUL once decoded.
 * A single trailing `/` is allowed and reported.
 */
export function decodePathSegments(pathname: string): { segments: string[]; trailingSlash: boolean } | undefined {
  const trailingSlash = pathname.length > 1 && pathname.endsWith('/');
  const raw = pathname.replace(/^\//, '').replace(/\/$/, '');
  if (raw === '') return { segments: [], trailingSlash };
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return undefined;
    segments.push(decoded);
  }
  return { segments, trailingSlash };
}

/** Encode repository path segments for a URL (`/` kept as the separator). */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * Resolve a relative reference (`other.yaml`, `../x/y.yaml`, `/from/root.yaml`) against a path
 * inside a repository with URL semantics (relative to the base's directory, as `new URL` does,
 * which is what Backstage's resolveUrl does). Query and fragment of the reference are dropped.
 * Leaving the repository root is an `InputError`.
 */
export function resolveRepoPath(basePath: string, reference: string): string {
  const target = reference.replace(/[?#].*$/, '');
  const fromRoot = target.startsWith('/');
  const baseDir = basePath.includes('/') ? basePath.slice(0, basePath.lastIndexOf('/')) : '';
  const stack = fromRoot ? [] : baseDir.split('/').filter(Boolean);
  for (const part of target.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      throw new InputError(`cannot resolve ${JSON.stringify(reference.slice(0, 200))}: bad percent-encoding`);
    }
    if (/[\\\0]/.test(segment)) throw new InputError(`cannot resolve ${JSON.stringify(reference.slice(0, 200))}: unsafe characters`);
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (stack.length === 0) throw new InputError(`${JSON.stringify(reference.slice(0, 200))} leads outside the repository`);
      stack.pop();
    } else {
      stack.push(segment);
    }
  }
  return stack.join('/');
}

/**
 * Whether the path of a URL, as written (before `new URL` normalizes it away), has a `.` or `..`
 * segment, also percent-encoded: `src/main/%2e%2e/%2e%2e/other-repo` must not silently become
 * another repository's URL.
 */
export function hasDotSegment(url: string): boolean {
  const pathPart = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
  return /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(pathPart);
}
