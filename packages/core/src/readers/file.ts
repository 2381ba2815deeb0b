import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, NotAllowedError, NotFoundError, NotModifiedError } from '../errors.js';
import { isPathInside, realpathOfExistingAncestor } from '../paths.js';
import type { ReadOptions, ReadResponse, ReadTreeResponse, TreeFile, UrlReader } from './types.js';

/**
 * Options of {@link createFileReader}.
 * @example
 * ```ts
 * createFileReader({ root: '/srv/repos' });
 * ```
 */
export interface FileReaderOptions {
  /** Nothing outside this directory can be read, whether by `..`, absolute paths or symlinks. */
  root: string;
}

/**
 * A {@link UrlReader} for local files below `root`. Accepts `file:relative/path`,
 * `file:///absolute/path` URLs and plain paths (relative ones resolve against `root`).
 * Anything that resolves outside `root` — after following symlinks — is a `NotAllowedError`;
 * a missing file is a `NotFoundError`. The etag is the sha256 of the content.
 *
 * @example
 * ```ts
 * const reader = createFileReader({ root: process.cwd() });
 * const { buffer, etag } = await reader.read('file:./catalog-info.yaml');
 * const tree = await reader.readTree('./docs');
 * await tree.writeTo('/tmp/docs-copy');
 * ```
 */
export function createFileReader(options: FileReaderOptions): UrlReader {
  if (!options?.root) throw new InputError('createFileReader: `root` is required');
  const root = resolve(options.root);
  let realRoot: Promise<string> | undefined;
  const getRealRoot = () => {
    realRoot ??= realpath(root).catch((error) => {
      realRoot = undefined;
      throw new NotFoundError(`file reader root ${root} does not exist`, { cause: error });
    });
    return realRoot;
  };

  /** Resolve `url` to a real path inside the root, or throw. */
  const locate = async (url: string): Promise<string> => {
    const target = toPath(url, root);
    if (!isPathInside(root, target)) throw new NotAllowedError(`${url} is outside the allowed root`);
    const rootPath = await getRealRoot();
    let real: string;
    try {
      real = await realpath(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(url, error);
      // A missing path under a link out (dangling or not) is "not allowed", never "not found":
      // the answer must not tell whether something exists outside the root.
      if (!isPathInside(rootPath, realpathOfExistingAncestor(target))) throw new NotAllowedError(`${url} is outside the allowed root`);
      throw new NotFoundError(`${url} does not exist`);
    }
    if (!isPathInside(rootPath, real)) throw new NotAllowedError(`${url} is outside the allowed root`);
    return real;
  };

  return {
    canRead(url) {
      return url.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(url);
    },

    async read(url, readOptions?: ReadOptions): Promise<ReadResponse> {
      const path = await locate(url);
      const info = await stat(path);
      if (info.isDirectory()) throw new InputError(`${url} is a directory; use readTree`);
      const buffer = await readFile(path, { signal: readOptions?.signal }).catch((error) => {
        throw readError(url, error);
      });
      const etag = sha256(buffer);
      if (readOptions?.etag === etag) throw new NotModifiedError(`${url} has not changed`);
      return { buffer, etag };
    },

    async readTree(url, treeOptions): Promise<ReadTreeResponse> {
      const base = await locate(url);
      if (!(await stat(base)).isDirectory()) throw new InputError(`${url} is not a directory`);
      const rootPath = await getRealRoot();
      const found: Array<{ path: string; real: string }> = [];
      const visited = new Set<string>();
      const walk = async (dir: string, prefix: string): Promise<void> => {
        treeOptions?.signal?.throwIfAborted();
        if (visited.has(dir)) return; // a symlinked directory loop
        visited.add(dir);
        const entries = await readdir(dir, { withFileTypes: true });
        for (const entry of entries) {
          const relPath = prefix ? `${prefix}/${entry.name}` : entry.name;
          let real = join(dir, entry.name);
          let isDir = entry.isDirectory();
          if (entry.isSymbolicLink()) {
            const link = real;
            const resolved = await realpath(link).catch((error: NodeJS.ErrnoException) => error);
            if (typeof resolved !== 'string') {
              // Unreadable links (loops, permissions) are skipped, as they always were.
              if (resolved.code !== 'ENOENT' && resolved.code !== 'ENOTDIR') continue;
              // A dangling link inside the root has nothing to read; one pointing out is refused
              // like a link to an existing file outside (else the tree probes outside the root).
              if (!isPathInside(rootPath, realpathOfExistingAncestor(link))) {
                throw new NotAllowedError(`${url}: ${relPath} links outside the allowed root`);
              }
              continue;
            }
            real = resolved;
            if (!isPathInside(rootPath, real)) {
              throw new NotAllowedError(`${url}: ${relPath} links outside the allowed root`);
            }
            isDir = (await stat(real)).isDirectory();
          } else if (!isDir && !entry.isFile()) {
            continue; // sockets, fifos
          }
          if (isDir) await walk(real, relPath);
          else if (!treeOptions?.filter || treeOptions.filter(relPath)) found.push({ path: relPath, real });
        }
      };
      await walk(base, '');
      found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

      // The tree etag covers every path and content, so any change in the tree changes it.
      const hash = createHash('sha256');
      for (const file of found) {
        hash.update(file.path).update('\0').update(sha256(await readFile(file.real))).update('\0');
      }
      const etag = hash.digest('hex');
      if (treeOptions?.etag === etag) throw new NotModifiedError(`${url} has not changed`);

      const files: TreeFile[] = found.map((file) => ({ path: file.path, content: () => readFile(file.real) }));
      return {
        files,
        etag,
        async writeTo(targetDir) {
          for (const file of files) {
            const out = join(targetDir, ...file.path.split('/'));
            await mkdir(dirname(out), { recursive: true });
            await writeFile(out, await file.content());
          }
        },
      };
    },
  };
}

function toPath(url: string, root: string): string {
  if (url.includes('\0')) throw new InputError('file path contains a NUL byte');
  let path = url;
  if (url.startsWith('file:')) {
    const rest = url.slice('file:'.length);
    if (rest.startsWith('//')) {
      try {
        path = fileURLToPath(url);
      } catch (error) {
        throw new InputError(`${url} is not a valid file URL`, { cause: error });
      }
    } else {
      path = rest;
    }
  }
  return isAbsolute(path) ? resolve(path) : resolve(root, path);
}

function readError(url: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new NotFoundError(`${url} does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new NotAllowedError(`${url} is not readable`);
  if ((error as Error).name === 'AbortError') return error as Error;
  return new InputError(`could not read ${url}`, { cause: error });
}

function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}
