import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

const exec = promisify(execFile);

const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  LC_ALL: 'C',
};

/** `git <args>` in a bare repository; stdout as a Buffer (archives are binary). */
export async function gitBuffer(gitDir: string, args: string[]): Promise<Buffer> {
  const { stdout } = await exec('git', args, { cwd: gitDir, env, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** `git <args>` in a bare repository; stdout trimmed. */
export async function gitText(gitDir: string, args: string[]): Promise<string> {
  return (await gitBuffer(gitDir, args)).toString('utf8').trim();
}

/** The commit a branch, tag or sha names, or undefined (a ref is never taken as an option). */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  if (!ref || ref.startsWith('-') || ref.includes('..') || /[\s~^:?*[\\]/.test(ref)) return undefined;
  for (const candidate of [`refs/heads/${ref}`, `refs/tags/${ref}`, ref]) {
    try {
      return await gitText(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
    } catch {
      // try the next kind of ref
    }
  }
  return undefined;
}

/** One entry of `git ls-tree -l`. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number | undefined;
  path: string;
}

/** `git ls-tree -l` of `treeish` (recursive with -t when asked), parsed. */
export async function listTree(gitDir: string, treeish: string, options: { recursive?: boolean; path?: string } = {}): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-l', '-z', '--full-tree', ...(options.recursive ? ['-r', '-t'] : []), '--end-of-options', treeish];
  if (options.path) args.push('--', options.path);
  const out = (await gitBuffer(gitDir, args)).toString('utf8');
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return { mode: mode!, type: type as TreeEntry['type'], sha: sha!, size: size === '-' ? undefined : Number(size), path: line.slice(tab + 1) };
    });
}
