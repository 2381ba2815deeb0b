import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { NotAllowedError, isPathInside } from '@portalkit/core';

/**
 * Resolve `target` against `root` and refuse anything that lands outside it (lexically).
 * Used before touching the filesystem; {@link assertRealpathWithin} also follows symlinks.
 *
 * @example
 * ```ts
 * resolveWithin('/srv/docs', 'a/b.md'); // '/srv/docs/a/b.md'
 * resolveWithin('/srv/docs', '../etc/passwd'); // throws NotAllowedError
 * ```
 */
export function resolveWithin(root: string, target: string, what = 'path'): string {
  const base = path.resolve(root);
  const resolved = path.resolve(base, target);
  if (!isPathInside(base, resolved)) {
    throw new NotAllowedError(`${what} '${target}' escapes its allowed root`);
  }
  return resolved;
}

/**
 * Follow symlinks of `target` (which must exist) and check the real location is inside the real
 * `root`, so a link pointing at `/etc` cannot smuggle files into a build or out of a publisher.
 *
 * @example
 * ```ts
 * await assertRealpathWithin('/srv/docs', '/srv/docs/link-to-etc'); // throws NotAllowedError
 * ```
 */
export async function assertRealpathWithin(root: string, target: string, what = 'path'): Promise<string> {
  const [realRoot, realTarget] = await Promise.all([realpath(root), realpath(target)]);
  if (!isPathInside(realRoot, realTarget)) {
    throw new NotAllowedError(`${what} '${target}' resolves outside its allowed root`);
  }
  return realTarget;
}

/**
 * Turn a URL path tail (already split off the route) into a safe relative POSIX path.
 * Pass `decoded: true` when a router already percent-decoded it (it is not decoded twice).
 * Rejects encoded or plain `..` segments, backslashes, NUL bytes and absolute paths, which
 * is how a request tries to read files outside a site.
 *
 * @example
 * ```ts
 * safeRelativePath('guide/install/'); // 'guide/install/index.html'
 * safeRelativePath('%2e%2e/secret'); // throws NotAllowedError
 * ```
 */
export function safeRelativePath(raw: string, options: { decoded?: boolean } = {}): string {
  let decoded = raw;
  if (!options.decoded) {
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new NotAllowedError(`malformed path '${raw}'`);
    }
  }
  if (decoded.includes('\\') || decoded.includes('\0')) {
    throw new NotAllowedError(`path '${raw}' contains forbidden characters`);
  }
  if (decoded.startsWith('/') || /^[a-zA-Z]:/.test(decoded)) {
    throw new NotAllowedError(`path '${raw}' must be relative`);
  }
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) throw new NotAllowedError(`path '${raw}' escapes the site`);
  const clean = segments.filter((s) => s !== '' && s !== '.');
  if (decoded === '' || decoded.endsWith('/')) clean.push('index.html');
  return clean.join('/');
}

const LINK_PROTOCOLS = new Set(['http', 'https', 'mailto']);

/**
 * True when a URL from `mkdocs.yml` may become a link in the page layout: relative, or
 * `http:`, `https:` or `mailto:`. `javascript:`, `data:` and the like are refused, also when
 * hidden behind whitespace or control characters that browsers ignore.
 *
 * @example
 * ```ts
 * isSafeLinkUrl('https://backstage.io'); // true
 * isSafeLinkUrl(' JavaScript:alert(1)'); // false
 * ```
 */
export function isSafeLinkUrl(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020\u007f]/g, ''))?.[1];
  return scheme === undefined || LINK_PROTOCOLS.has(scheme.toLowerCase());
}
