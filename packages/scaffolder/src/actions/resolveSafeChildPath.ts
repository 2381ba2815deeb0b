import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { NotAllowedError } from '@portalkit/core';

// The deepest existing ancestor, resolved through symlinks: a path that does not exist yet
// is safe exactly when the directory it will be created in is.
// A dangling symlink is followed too: writing to it would create its target, wherever that is.
function realpathOfExistingAncestor(target: string): string {
  let current = target;
  const rest: string[] = [];
  for (let hops = 0; ; ) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
      const link = lstatSync(current, { throwIfNoEntry: false });
      if (link?.isSymbolicLink()) {
        if (++hops > 40) throw new NotAllowedError(`Path ${target} has too many levels of symbolic links`);
        current = path.resolve(path.dirname(current), readlinkSync(current));
        continue;
      }
      const parent = path.dirname(current);
      if (parent === current) return target;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function isInside(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolve `child` below `base`, refusing anything that escapes it: `../`, absolute paths, and
 * symlinks (anywhere on the path) pointing outside. Throws `NotAllowedError`.
 *
 * @example
 * ```ts
 * resolveSafeChildPath('/tmp/ws', 'src/index.ts'); // '/tmp/ws/src/index.ts'
 * resolveSafeChildPath('/tmp/ws', '../etc/passwd'); // throws NotAllowedError
 * ```
 */
export function resolveSafeChildPath(base: string, child: string): string {
  if (path.isAbsolute(child)) {
    throw new NotAllowedError(`Relative path is not allowed to refer to a directory outside its parent: ${child} is absolute`);
  }
  const resolvedBase = path.resolve(base);
  const target = path.resolve(resolvedBase, child);
  if (!isInside(resolvedBase, target)) {
    throw new NotAllowedError(`Relative path is not allowed to refer to a directory outside its parent: ${child}`);
  }
  const realBase = realpathOfExistingAncestor(resolvedBase);
  const realTarget = realpathOfExistingAncestor(target);
  if (!isInside(realBase, realTarget)) {
    throw new NotAllowedError(`Path ${child} resolves through a symlink to a location outside its parent`);
  }
  return target;
}
