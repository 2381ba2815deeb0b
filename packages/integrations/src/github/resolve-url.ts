import { InputError } from '@portalkit/core';
import { type GithubEndpoints, parseGithubUrl, safeUrl } from './url.js';

/**
 * Resolve `url` against `base` as Backstage's GitHub integration does: an absolute URL is
 * returned unchanged; `/x` is from the repository root; anything else is relative to the base
 * (its last segment is a file unless the base ends with `/`). The result keeps the base's query,
 * gets `#L<line>` for a line number, and is a `tree` URL (GitHub redirects `tree` to `blob` for
 * files). A path leaving the repository is an `InputError`.
 * @example
 * ```ts
 * resolveGithubUrl({ url: '../README.md', base: 'https://github.com/acme/web/blob/main/docs/index.md' }, githubEndpoints({ host: 'github.com' }));
 * // 'https://github.com/acme/web/tree/main/README.md'
 * ```
 */
export function resolveGithubUrl(options: { url: string; base: string; lineNumber?: number }, endpoints: GithubEndpoints): string {
  const { url, base, lineNumber } = options;
  if (isAbsoluteUrl(url)) return url;
  const location = parseGithubUrl(base, endpoints);
  const baseUrl = new URL(base);
  if (location.kind === 'raw') {
    throw new InputError(`cannot resolve ${JSON.stringify(url)} against the raw URL ${safeUrl(base)}; use its blob or tree URL`);
  }
  const ref = location.ref ?? 'HEAD';
  const [target = '', fragment] = url.split('#', 2);
  const [pathPart = ''] = target.split('?', 1);
  const baseSegments = location.path ? location.path.split('/') : [];
  const directory = pathPart.startsWith('/') ? [] : baseIsDirectory(location.kind, base) ? baseSegments : baseSegments.slice(0, -1);
  const resolved = [...directory];
  for (const segment of pathPart.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (resolved.length === 0) throw new InputError(`${JSON.stringify(url)} leaves the repository of ${safeUrl(base)}`);
      resolved.pop();
    } else {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new InputError(`${JSON.stringify(url)} has a malformed percent-encoding`);
      }
      if (decoded === '..' || decoded === '.' || /[/\\\0]/.test(decoded)) throw new InputError(`${JSON.stringify(url)} has an unsafe path segment`);
      resolved.push(segment);
    }
  }
  const path = resolved.join('/');
  const out = new URL(`${baseUrl.origin}/${location.owner}/${location.repo}/tree/${ref}${path ? `/${path}` : ''}`);
  out.search = baseUrl.search;
  if (lineNumber) out.hash = `L${lineNumber}`;
  else if (fragment) out.hash = fragment;
  return out.toString();
}

/**
 * The page where `url`'s file is edited: its `blob`/`tree` segment becomes `edit`, as Backstage's
 * `replaceGithubUrlType(url, 'edit')`. Other URLs are returned unchanged.
 * @example
 * ```ts
 * resolveGithubEditUrl('https://github.com/acme/web/blob/main/a.md'); // 'https://github.com/acme/web/edit/main/a.md'
 * ```
 */
export function resolveGithubEditUrl(url: string): string {
  return url.replace(/^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/(blob|tree|edit)\//, '$1/edit/');
}

function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** A tree or repository URL, or one ending in `/`, is a directory; a blob's last segment is a file. */
function baseIsDirectory(kind: string, base: string): boolean {
  return kind === 'repo' || new URL(base).pathname.endsWith('/');
}
