import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { NotAllowedError, isPathInside } from '@portalkit/core';
import { refuseGitMetadataPath } from './gitMetadata.js';

// The deepest existing ancestor, resolved through symlinks: a path that does not exist yet
// is safe exactly when the directory it will be created in is. A dangling symlink is followed
// by hand, since writing through it creates its target.
export function realpathOfExistingAncestor(target: string, hops = 0): string {
  let current = target;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new NotAllowedError(`Too many levels of symbolic links in ${target}`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      if (lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) {
        if (hops >= 32) throw new NotAllowedError(`Too many levels of symbolic links in ${target}`);
        const pointsTo = path.resolve(path.dirname(current), readlinkSync(current));
        return realpathOfExistingAncestor(path.join(pointsTo, ...rest.reverse()), hops + 1);
      }
      const parent = path.dirname(current);
      if (parent === current) return target;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

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
