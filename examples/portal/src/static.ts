import { realpath, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, isPathInside, toHttpResponse } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import { contentTypeFor } from '@portalkit/techdocs';

/** Options of {@link createStaticHandler}. */
export interface StaticHandlerOptions {
  /** Directory whose files are served. Nothing outside it is ever read. */
  root: string;
  /** URL prefix the files live under; default `/`. */
  basePath?: string;
  /** File served for a directory request; default `index.html`. */
  index?: string;
}

/**
 * Serves the files below `root` for GET/HEAD requests. Paths are decoded once and rejected when
 * they contain `..` segments, backslashes or NUL bytes; the resolved real path (symlinks
 * followed) must stay inside the real root, so neither `%2e%2e/` nor a symlink can leak files.
 * Unknown paths and other methods answer 404/405 in Backstage's JSON error shape.
 *
 * @example
 * ```ts
 * const assets = createStaticHandler({ root: new URL('../public', import.meta.url).pathname });
 * const res = await assets(new Request('http://localhost/styles.css'));
 * ```
 */
export function createStaticHandler(options: StaticHandlerOptions): Handler {
  if (!options.root) throw new TypeError('createStaticHandler: `root` is required');
  const basePath = (options.basePath ?? '/').replace(/\/+$/, '');
  const index = options.index ?? 'index.html';
  const rootReal = realpath(path.resolve(options.root));

  return async (request) => {
    const { pathname } = new URL(request.url);
    const notFound = () => toHttpResponse(new NotFoundError(`No such file: ${pathname}`), request);
    // Mounted as a catch-all, so anything that is not a file read is simply not here.
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound();
    if (basePath && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return notFound();
    const relative = safeRelative(pathname.slice(basePath.length));
    if (relative === undefined) return notFound();

    let root: string;
    try {
      root = await rootReal;
    } catch {
      return notFound();
    }
    let file = path.join(root, relative);
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        file = path.join(file, index);
        info = await stat(file);
      }
      const real = await realpath(file);
      if (!isPathInside(root, real) || !info.isFile()) return notFound();
      const body = request.method === 'HEAD' ? null : await readFile(real);
      return new Response(body, {
        headers: {
          'content-type': contentTypeFor(real),
          'content-length': String(info.size),
          // The example UI has no build step and hence no hashed file names: always revalidate.
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return notFound();
    }
  };
}

/** Decoded, normalised path below the root, or undefined when the path is not acceptable. */
function safeRelative(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  // Dot-files (.git, .env) are never part of a public folder.
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  return segments.join('/');
}
