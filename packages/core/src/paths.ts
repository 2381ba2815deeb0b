import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { PlatformPath } from 'node:path';
import { NotAllowedError } from './errors.js';

/**
 * True when `target` is `root` itself or lies below it. Both are resolved first (a relative path
 * against the working directory; `.`, `..`, repeated and trailing separators are normalised), so
 * `root/../etc` is outside and `root/a/../b` inside. A name that merely starts with two dots
 * (`root/..cache`) is inside; a sibling sharing a prefix (`/srv/docs-old` for `/srv/docs`) is not.
 * On Windows the comparison follows the platform: any separator, drive letters in any case, and
 * another drive or a UNC share is outside.
 *
 * The check is lexical: it does not follow symlinks. To learn where a path really leads, pass the
 * `realpath` of both (as the file reader, TechDocs and the scaffolder do after this check).
 *
 * @example
 * ```ts
 * isPathInside('/srv/docs', '/srv/docs/guide/index.md'); // true
 * isPathInside('/srv/docs', '/srv/docs'); // true
 * isPathInside('/srv/docs', '/srv/docs/../secrets'); // false
 * isPathInside('/srv/docs', '/srv/docs-old/index.md'); // false
 * ```
 */
export function isPathInside(root: string, target: string): boolean {
  return isPathInsideFor(path, root, target);
}

/** {@link isPathInside} with one platform's path rules, so tests can check the Windows rules on any OS. */
export function isPathInsideFor(platform: PlatformPath, root: string, target: string): boolean {
  const rel = platform.relative(platform.resolve(root), platform.resolve(target));
  // `..` alone or `..<sep>…` climbs out; `..name` is a child whose name starts with dots.
  // An absolute result means another drive or share (Windows), which is never inside.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${platform.sep}`) && !platform.isAbsolute(rel));
}

/**
 * Where `target` really leads, also when it does not exist (yet): the real path of its deepest
 * existing ancestor with the rest appended. A dangling symlink on the way is followed by hand,
 * because writing through it creates its target, and because a link's answer must not depend on
 * whether what it points at exists (else a link could probe for files outside a root). Compare
 * the result with {@link isPathInside} against the real root. More than 32 links in a row, or a
 * loop, is a `NotAllowedError`; other filesystem errors (permissions) are thrown as they are.
 *
 * @example
 * ```ts
 * // /srv/ws/out -> /etc (a symlink); /srv/ws/out/new does not exist yet
 * realpathOfExistingAncestor('/srv/ws/out/new/file'); // '/etc/new/file'
 * isPathInside(realpathSync('/srv/ws'), realpathOfExistingAncestor('/srv/ws/out/new/file')); // false
 * ```
 */
export function realpathOfExistingAncestor(target: string): string {
  return followExisting(path.resolve(target), target, 0);
}

function followExisting(start: string, target: string, hops: number): string {
  let current = start;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new NotAllowedError(`Too many levels of symbolic links in ${target}`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Below a file (ENOTDIR) nothing is a link to follow; climb on.
      if (code === 'ENOENT' && lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) {
        if (hops >= 32) throw new NotAllowedError(`Too many levels of symbolic links in ${target}`);
        const pointsTo = path.resolve(path.dirname(current), readlinkSync(current));
        return followExisting(path.join(pointsTo, ...rest.reverse()), target, hops + 1);
      }
      const parent = path.dirname(current);
      if (parent === current) return start;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
