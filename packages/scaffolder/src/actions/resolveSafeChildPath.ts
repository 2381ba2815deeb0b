import path from 'node:path';
import { NotAllowedError, isPathInside, realpathOfExistingAncestor } from '@portalkit/core';
import { refuseGitMetadataPath } from './gitMetadata.js';

/**
 * Resolve `child` below `base`, refusing anything that escapes it: `../`, absolute paths, and
 * symlinks (anywhere on the path) pointing outside. Unlike {@link resolveSafeChildPath} it lets
 * `.git` through, for paths that are not written (a remote below an allowed root, a deletion).
 */
export function resolveContainedPath(base: string, child: string): string {
  if (path.isAbsolute(child)) {
    throw new NotAllowedError(`Relative path is not allowed to refer to a directory outside its parent: ${child} is absolute`);
  }
  const resolvedBase = path.resolve(base);
  const target = path.resolve(resolvedBase, child);
  if (!isPathInside(resolvedBase, target)) {
    throw new NotAllowedError(`Relative path is not allowed to refer to a directory outside its parent: ${child}`);
  }
  const realBase = realpathOfExistingAncestor(resolvedBase);
  const realTarget = realpathOfExistingAncestor(target);
  if (!isPathInside(realBase, realTarget)) {
    throw new NotAllowedError(`Path ${child} resolves through a symlink to a location outside its parent`);
  }
  return target;
}

/**
 * Resolve `child` below `base`, refusing anything that escapes it: `../`, absolute paths, and
 * symlinks (anywhere on the path) pointing outside; and refusing a `.git` segment in `child`
 * (in any case or spelling a host treats as `.git`), since content there would configure git
 * for whoever runs it on the workspace. Every built-in action writes through it; custom actions
 * should too. Throws `NotAllowedError`.
 *
 * @example
 * ```ts
 * resolveSafeChildPath('/tmp/ws', 'src/index.ts'); // '/tmp/ws/src/index.ts'
 * resolveSafeChildPath('/tmp/ws', '../etc/passwd'); // throws NotAllowedError
 * resolveSafeChildPath('/tmp/ws', 'sub/.GIT/config'); // throws NotAllowedError
 * ```
 */
export function resolveSafeChildPath(base: string, child: string): string {
  const target = resolveContainedPath(base, child);
  refuseGitMetadataPath(child);
  return target;
}
