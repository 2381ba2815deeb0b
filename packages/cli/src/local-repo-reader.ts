import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NotFoundError, NotImplementedError, isPathInside } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';

const exec = promisify(execFile);
const blobUrl = /^(file:\/\/.+?\.git)\/blob\/([\w.][\w./-]*)\/(.+)$/;

/**
 * Reads `file://<bare repository>.git/blob/<branch>/<path>` — the `repoContentsUrl` that
 * `publish:git` outputs for a local remote — with `git show`, for repositories below `root` only,
 * so the catalog of `portalkit template run` can read what the run just pushed and
 * `catalog:register` registers a location it can read (else it fails the step).
 *
 * @example
 * ```ts
 * const reader = createUrlReader({ file: { root: cwd }, readers: [createLocalRepoReader(cwd)] });
 * ```
 */
export function createLocalRepoReader(root: string): UrlReader {
  const parse = (url: string) => {
    const match = blobUrl.exec(url);
    if (!match) return undefined;
    let repo: string;
    try {
      repo = fileURLToPath(match[1]!);
    } catch {
      return undefined;
    }
    if (!isPathInside(path.resolve(root), repo)) return undefined;
    return { repo, spec: `${match[2]}:${decodeURIComponent(match[3]!)}` };
  };
  return {
    canRead: (url) => parse(url) !== undefined,
    async read(url) {
      const parsed = parse(url);
      if (!parsed) throw new NotFoundError(`${url} is not a file of a local repository below ${root}`);
      try {
        const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
        const { stdout } = await exec('git', ['--git-dir', parsed.repo, 'show', '--end-of-options', parsed.spec], { encoding: 'buffer', env, maxBuffer: 16 * 1024 * 1024 });
        const { stdout: etag } = await exec('git', ['--git-dir', parsed.repo, 'rev-parse', '--end-of-options', parsed.spec], { env });
        return { buffer: stdout, etag: etag.trim() };
      } catch {
        throw new NotFoundError(`${url} does not exist`);
      }
    },
    async readTree(url) {
      throw new NotImplementedError(`reading trees of local repositories is not supported: ${url}`);
    },
  };
}
