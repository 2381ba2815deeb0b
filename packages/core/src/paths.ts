import path from 'node:path';
import type { PlatformPath } from 'node:path';

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
