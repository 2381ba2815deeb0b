import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// What the GitLab contract server needs from a bare repository, done with git plumbing on the
// repository itself (no work tree): the same objects GitLab's Gitaly would serve.

const gitEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  LC_ALL: 'C',
};

export function gitBuffer(dir: string, args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: dir, env: { ...gitEnv, ...options.env }, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

const gitText = async (dir: string, args: string[], options?: { input?: Buffer | string; env?: Record<string, string> }) =>
  (await gitBuffer(dir, args, options)).toString('utf8').trim();

/** The commit a branch, tag or sha names, or `undefined`. */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  return gitText(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => undefined);
}

export interface CommitInfo {
  id: string;
  parentIds: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  message: string;
}

export async function commitInfo(dir: string, sha: string): Promise<CommitInfo> {
  const out = await gitText(dir, ['show', '-s', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B', sha]);
  const [id, parents, authorName, authorEmail, authoredDate, committerName, committerEmail, committedDate, message] = out.split('\0');
  return {
    id: id!,
    parentIds: parents ? parents.split(' ') : [],
    authorName: authorName!,
    authorEmail: authorEmail!,
    authoredDate: authoredDate!,
    committerName: committerName!,
    committerEmail: committerEmail!,
    committedDate: committedDate!,
    message: message ?? '',
  };
}

/** A blob at `path` of commit `sha`, or `undefined` when there is none (or it is a tree). */
export async function readBlob(dir: string, sha: string, filePath: string): Promise<{ id: string; content: Buffer } | undefined> {
  const id = await gitText(dir, ['rev-parse', '--verify', '--quiet', `${sha}:${filePath}`]).catch(() => undefined);
  if (!id) return undefined;
  const type = await gitText(dir, ['cat-file', '-t', id]);
  if (type !== 'blob') return undefined;
  return { id, content: await gitBuffer(dir, ['cat-file', 'blob', id]) };
}

export interface TreeEntry {
  id: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  path: string;
  mode: string;
}

/** Entries below `dir` (`''` is the root) of commit `sha`, like GitLab's repository tree. */
export async function listTree(repoDir: string, sha: string, dirPath: string, recursive: boolean): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-z', ...(recursive ? ['-r', '-t'] : []), sha];
  if (dirPath) args.push('--', `${dirPath}/`);
  const out = (await gitBuffer(repoDir, args)).toString('utf8');
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, entryPath] = line.split('\t') as [string, string];
      const [mode, type, id] = meta.split(' ') as [string, TreeEntry['type'], string];
      return { id, mode, type, path: entryPath, name: entryPath.split('/').pop()! };
    });
}

/** `git archive` of commit `sha` (optionally only `filePath`) as GitLab names it: one top directory. */
export function archive(dir: string, sha: string, topDir: string, filePath: string | undefined): Promise<Buffer> {
  return gitBuffer(dir, ['archive', '--format=tar.gz', `--prefix=${topDir}/`, sha, ...(filePath ? ['--', filePath] : [])]);
}

export async function listRefs(dir: string, kind: 'heads' | 'tags'): Promise<Array<{ name: string; sha: string }>> {
  const out = await gitText(dir, ['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)', `refs/${kind}/`]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, sha] = line.split('\0') as [string, string];
      return { name, sha };
    });
}

export async function updateRef(dir: string, branch: string, sha: string): Promise<void> {
  await gitText(dir, ['update-ref', `refs/heads/${branch}`, sha]);
}

export interface CommitAction {
  action: 'create' | 'update' | 'delete';
  file_path: string;
  content?: string;
  encoding?: 'text' | 'base64';
}

/** Apply GitLab commit actions on top of `branch` with a private index; returns the new commit. */
export async function commitActions(
  dir: string,
  options: { branch: string; message: string; actions: CommitAction[]; author: { name: string; email: string } },
): Promise<{ sha?: string; error?: string }> {
  const parent = await resolveCommit(dir, `refs/heads/${options.branch}`);
  if (!parent) return { error: `You can only create or edit files when you are on a branch` };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'gitlab-contract-index-'));
  const env = {
    GIT_INDEX_FILE: path.join(scratch, 'index'),
    GIT_AUTHOR_NAME: options.author.name,
    GIT_AUTHOR_EMAIL: options.author.email,
    GIT_COMMITTER_NAME: options.author.name,
    GIT_COMMITTER_EMAIL: options.author.email,
  };
  try {
    await gitText(dir, ['read-tree', parent], { env });
    for (const action of options.actions) {
      const exists = Boolean(await readBlob(dir, parent, action.file_path));
      if (action.action === 'create' && exists) return { error: `A file with this name already exists` };
      if (action.action !== 'create' && !exists) return { error: `A file with this name doesn't exist` };
      if (action.action === 'delete') {
        // mode 0 removes the path (update-index --force-remove wants a work tree).
        await gitText(dir, ['update-index', '--index-info'], { env, input: `0 ${'0'.repeat(40)}\t${action.file_path}\n` });
        continue;
      }
      const content = action.encoding === 'base64' ? Buffer.from(action.content ?? '', 'base64') : Buffer.from(action.content ?? '');
      const blob = await gitText(dir, ['hash-object', '-w', '--stdin'], { input: content, env });
      await gitText(dir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${action.file_path}`], { env });
    }
    const tree = await gitText(dir, ['write-tree'], { env });
    const sha = await gitText(dir, ['commit-tree', tree, '-p', parent, '-m', options.message], { env });
    await gitText(dir, ['update-ref', `refs/heads/${options.branch}`, sha, parent]);
    return { sha };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
