import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** The folders below the example's state folder, created by {@link prepareStateDirs}. */
export interface StateDirs {
  /** Bare git repositories `publish:git` pushes to. */
  repos: string;
  /** Checkouts of those repositories, registered in the catalog. */
  checkouts: string;
  /** Built TechDocs sites. */
  docs: string;
  /** Task workspaces and docs builds. */
  work: string;
}

/**
 * Creates the example's folders below `stateDir` (existing ones are kept).
 *
 * @example
 * ```ts
 * const dirs = await prepareStateDirs('/tmp/portal');
 * ```
 */
export async function prepareStateDirs(stateDir: string): Promise<StateDirs> {
  const dirs: StateDirs = {
    repos: path.join(stateDir, 'repos'),
    checkouts: path.join(stateDir, 'checkouts'),
    docs: path.join(stateDir, 'techdocs'),
    work: path.join(stateDir, 'work'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  return dirs;
}

/**
 * Deepest directory containing both paths.
 *
 * @example
 * ```ts
 * commonAncestor('/srv/data', '/srv/state/checkouts'); // '/srv'
 * ```
 */
export function commonAncestor(a: string, b: string): string {
  const pa = path.resolve(a).split(path.sep);
  const pb = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i += 1;
  return pa.slice(0, i).join(path.sep) || path.sep;
}
