import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InputError } from '@portalkit/core';

const run = promisify(execFile);

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

// Same isolation as publish:git: no host git config, hooks or prompts.
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };

/**
 * Clones (fresh each time) `branch` of a local bare repository into `checkoutsDir/<repo name>`
 * and returns the working copy's path. The catalog and TechDocs then read plain files from it,
 * so a scaffolded repository is registered exactly like a checked-out Backstage repo.
 *
 * @example
 * ```ts
 * const dir = await checkoutLocalRepo({ repoPath: '/srv/repos/a.git', branch: 'main' }, '/srv/checkouts');
 * ```
 */
export async function checkoutLocalRepo(blob: Pick<LocalBlobUrl, 'repoPath' | 'branch'>, checkoutsDir: string): Promise<string> {
  const name = path.basename(blob.repoPath, '.git');
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new InputError(`Unexpected repository name '${name}'`);
  const target = path.join(checkoutsDir, name);
  await mkdir(checkoutsDir, { recursive: true });
  await rm(target, { recursive: true, force: true });
  try {
    await run('git', ['clone', '--quiet', '--branch', blob.branch, '--', blob.repoPath, target], { env: gitEnv });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new InputError(`Could not check out ${blob.repoPath}: ${(e.stderr || e.message).trim()}`);
  }
  return target;
}
