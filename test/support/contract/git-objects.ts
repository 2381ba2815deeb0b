import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, LC_ALL: 'C' };

/** One entry of a git tree, as `git ls-tree -l` prints it. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number | undefined;
  path: string;
}

/**
 * Read-only access to the objects of a bare repository, for contract servers that answer host
 * API calls (contents, trees, commits, archives) from a real repository of the git server.
 */
export interface GitObjects {
  /** The commit sha of a branch, tag or sha; `undefined` when it names nothing. */
  resolve(ref: string): Promise<string | undefined>;
  /** The default branch (HEAD's target) name. */
  head(): Promise<string>;
  /** Branch names. */
  branches(): Promise<string[]>;
  /** Entries below `dir` of a commit (`''` the root), recursively or one level. */
  list(commit: string, dir: string, recursive: boolean): Promise<TreeEntry[]>;
  /** The entry at `path` of a commit, `undefined` when missing (the root has none). */
  entry(commit: string, path: string): Promise<TreeEntry | undefined>;
  blob(sha: string): Promise<Buffer>;
  commitInfo(sha: string): Promise<{ sha: string; tree: string; message: string; author: string; email: string; date: string }>;
  /** `git archive` of `treeish` (`<commit>` or `<commit>:<dir>`). */
  archive(format: 'tar.gz' | 'zip', treeish: string, prefix: string): Promise<Buffer>;
}

/** {@link GitObjects} of the bare repository at `dir`. */
export function gitObjects(dir: string): GitObjects {
  const git = async (args: string[]) => (await exec('git', args, { cwd: dir, env, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 })).stdout as Buffer;
  const text = async (args: string[]) => (await git(args)).toString('utf8');
  const parse = (output: string, base: string): TreeEntry[] =>
    output
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, name] = line.split('\t') as [string, string];
        const [mode, type, sha, size] = meta.split(/\s+/) as [string, TreeEntry['type'], string, string];
        return { mode, type, sha, size: size === '-' ? undefined : Number(size), path: base ? path.posix.join(base, name) : name };
      });
  return {
    async resolve(ref) {
      try {
        return (await text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
      } catch {
        return undefined;
      }
    },
    head: async () => (await text(['symbolic-ref', '--short', 'HEAD'])).trim(),
    branches: async () => (await text(['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split('\n').filter(Boolean),
    async list(commit, dir, recursive) {
      const treeish = dir ? `${commit}:${dir}` : commit;
      return parse(await text(['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish]), dir);
    },
    async entry(commit, entryPath) {
      if (!entryPath) return undefined;
      const entries = parse(await text(['ls-tree', '-l', '-z', commit, '--', entryPath]), '');
      return entries.find((entry) => entry.path === entryPath);
    },
    blob: (sha) => git(['cat-file', 'blob', sha]),
    async commitInfo(sha) {
      const [tree, author, email, date, ...message] = (await text(['show', '-s', '--format=%T%n%an%n%ae%n%aI%n%B', sha])).split('\n') as string[];
      return { sha, tree: tree ?? '', author: author ?? '', email: email ?? '', date: date ?? '', message: message.join('\n').trim() };
    },
    archive: (format, treeish, prefix) => git(['archive', `--format=${format}`, ...(prefix ? [`--prefix=${prefix}`] : []), treeish]),
  };
}
