import { mkdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, NotAllowedError, isPathInside } from '@portalkit/core';
import { runGit } from '@portalkit/scaffolder';

/** A `file://…/<repo>.git/blob/<branch>/<path>` URL as `publish:git` outputs it. */
export interface LocalBlobUrl {
  repoPath: string;
  branch: string;
  filePath: string;
}

/**
 * Parses the `repoContentsUrl`-style URLs of local bare repositories; anything else is undefined.
 *
 * @example
 * ```ts
 * parseLocalBlobUrl('file:///srv/repos/a.git/blob/main/catalog-info.yaml');
 * // { repoPath: '/srv/repos/a.git', branch: 'main', filePath: 'catalog-info.yaml' }
 * ```
 */
export function parseLocalBlobUrl(url: string): LocalBlobUrl | undefined {
  if (!url.startsWith('file:')) return undefined;
  let pathname: string;
  try {
    pathname = fileURLToPath(url);
  } catch {
    return undefined;
  }
  const match = /^(.*\.git)\/blob\/([^/]+)\/(.+)$/.exec(pathname);
  if (!match) return undefined;
  const filePath = path.posix.normalize(match[3]!);
  if (filePath.startsWith('..') || path.isAbsolute(filePath)) return undefined;
  return { repoPath: match[1]!, branch: match[2]!, filePath };
}

/**
 * Clones (fresh each time) `branch` of a local bare repository below `reposDir` into
 * `checkoutsDir/<repo name>` and returns the working copy's path. The catalog and TechDocs then
 * read plain files from it, so a scaffolded repository is registered exactly like a checked-out
 * Backstage repo. Git runs as `publish:git` runs it (`runGit`: no host or repository hooks,
 * filters or config), and only repositories `publish:git` may create are cloned: the URL comes
 * from a template, and cloning runs git in the source repository.
 *
 * @example
 * ```ts
 * const dir = await checkoutLocalRepo({ repoPath: '/srv/repos/a.git', branch: 'main' }, '/srv/checkouts', '/srv/repos');
 * ```
 */
export async function checkoutLocalRepo(blob: Pick<LocalBlobUrl, 'repoPath' | 'branch'>, checkoutsDir: string, reposDir: string): Promise<string> {
  const name = path.basename(blob.repoPath, '.git');
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new InputError(`Unexpected repository name '${name}'`);
  const [realRepo, realRoot] = await Promise.all([realpath(blob.repoPath).catch(() => ''), realpath(reposDir)]);
  // Strictly below: the repositories directory itself is not a repository to check out.
  if (!realRepo || realRepo === realRoot || !isPathInside(realRoot, realRepo)) {
    throw new NotAllowedError(`Only repositories below ${reposDir} are checked out; got ${blob.repoPath}`);
  }
  const target = path.join(checkoutsDir, name);
  await mkdir(checkoutsDir, { recursive: true });
  await rm(target, { recursive: true, force: true });
  try {
    await runGit(['clone', '--quiet', '--template=', '--branch', blob.branch, '--', realRepo, target], { cwd: checkoutsDir });
  } catch (error) {
    throw new InputError(`Could not check out ${blob.repoPath}: ${(error as Error).message}`);
  }
  return target;
}
