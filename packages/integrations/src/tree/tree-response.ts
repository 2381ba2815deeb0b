import { createHash } from 'node:crypto';
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotAllowedError, type ReadTreeResponse, type TreeFile } from '@portalkit/core';

/**
 * A tree path as it may be written: relative, `/`-separated, no `.`/`..` segments, no NUL or
 * backslash. Anything else is a `NotAllowedError` naming the entry: a host (or whoever pushed to
 * it) chooses these names, and a name must never lead outside the directory it is written to.
 * @example
 * ```ts
 * safeTreePath('docs/index.md'); // 'docs/index.md'
 * ```
 */
export function safeTreePath(entry: string, what = 'tree'): string {
  const segments = entry.split('/').filter((segment, i, all) => !(segment === '' && (i === 0 || i === all.length - 1)));
  if (
    entry.startsWith('/') ||
    entry.includes('\\') ||
    entry.includes('\0') ||
    /^[a-z]:/i.test(entry) ||
    segments.length === 0 ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new NotAllowedError(`${what} holds an entry with an unsafe path: ${JSON.stringify(entry)}`);
  }
  return segments.join('/');
}

/**
 * A {@link ReadTreeResponse} over files already in memory or reachable by a loader. `writeTo`
 * creates each file below the target only: every path is checked with {@link safeTreePath}, and
 * a symbolic link already in the target is never followed.
 * @example
 * ```ts
 * const tree = createTreeResponse([{ path: 'a.md', content: async () => Buffer.from('# A') }]);
 * await tree.writeTo('/tmp/out');
 * ```
 */
export function createTreeResponse(files: TreeFile[], etag?: string): ReadTreeResponse {
  const checked = files.map((file) => ({ ...file, path: safeTreePath(file.path) }));
  const computedEtag =
    etag ??
    createHash('sha256')
      .update(checked.map((f) => f.path).join('\0'))
      .digest('hex');
  return {
    files: checked,
    etag: computedEtag,
    async writeTo(targetDir: string) {
      const root = path.resolve(targetDir);
      await mkdir(root, { recursive: true });
      for (const file of checked) {
        const target = path.join(root, ...file.path.split('/'));
        await ensureRealDirectory(root, path.dirname(target));
        const existing = await lstat(target).catch(() => undefined);
        if (existing?.isSymbolicLink()) throw new NotAllowedError(`refusing to write through the symbolic link ${file.path}`);
        if (existing?.isDirectory()) throw new InputError(`tree entry ${file.path} is both a file and a directory`);
        await writeFile(target, await file.content());
      }
    },
  };
}

/** mkdir -p below `root`, refusing any path component that is a symbolic link. */
async function ensureRealDirectory(root: string, dir: string): Promise<void> {
  const relative = path.relative(root, dir);
  if (relative === '') return;
  let current = root;
  for (const segment of relative.split(path.sep)) {
    current = path.join(current, segment);
    const stat = await lstat(current).catch(() => undefined);
    if (!stat) await mkdir(current);
    else if (stat.isSymbolicLink()) throw new NotAllowedError(`refusing to write through the symbolic link ${path.relative(root, current)}`);
    else if (!stat.isDirectory()) throw new InputError(`tree entry ${path.relative(root, current)} is both a file and a directory`);
  }
}
