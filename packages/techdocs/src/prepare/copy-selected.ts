import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isPathInside } from '@portalkit/core';
import type { BuildWarning } from '../types.js';
import { EXCLUDED_DIRECTORIES } from './docs-paths.js';

/** What {@link copySelected} copied: one `path\0sha256` line per file, counts, and what it skipped. */
export interface CopyResult {
  hashes: string[];
  files: number;
  bytes: number;
  warnings: BuildWarning[];
}

/**
 * Copy the selected paths (files or folders, relative POSIX paths) of `source` into `target`.
 * Excluded folders (`node_modules`, VCS) are never entered. A symbolic link is followed only while
 * it stays inside the selected path it was found in (a link in `docs/` must lead into `docs/`),
 * and never back into one of its own ancestors; any other link — out of the folder, to the host,
 * dangling, or a loop — is skipped with a warning, so one stray link cannot fail a build. The
 * warning reads the same whether or not the link's target exists.
 */
export async function copySelected(source: string, target: string, paths: readonly string[]): Promise<CopyResult> {
  const result: CopyResult = { hashes: [], files: 0, bytes: 0, warnings: [] };
  const skipLink = (file: string) => result.warnings.push({ file, message: 'symbolic link skipped: it does not lead to a file inside its folder' });

  const copyFile = async (from: string, rel: string) => {
    const content = await readFile(from);
    const to = path.join(target, ...rel.split('/'));
    await mkdir(path.dirname(to), { recursive: true });
    await writeFile(to, content);
    result.hashes.push(`${rel}\0${createHash('sha256').update(content).digest('hex')}`);
    result.files++;
    result.bytes += content.length;
  };

  const walk = async (dir: string, rel: string, boundary: string, ancestors: ReadonlySet<string>): Promise<void> => {
    const chain = new Set(ancestors).add(dir);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      const from = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!EXCLUDED_DIRECTORIES.has(entry.name)) await walk(from, child, boundary, chain);
      } else if (entry.isFile()) {
        await copyFile(from, child);
      } else if (entry.isSymbolicLink()) {
        if (EXCLUDED_DIRECTORIES.has(entry.name)) continue;
        const real = await realpath(from).catch(() => undefined);
        if (!real || !isPathInside(boundary, real) || chain.has(real)) {
          skipLink(child);
          continue;
        }
        const info = await stat(real);
        if (info.isDirectory()) await walk(real, child, boundary, chain);
        else if (info.isFile()) await copyFile(real, child);
      }
    }
  };

  for (const rel of paths) {
    const from = path.join(source, ...rel.split('/'));
    const info = await lstat(from).catch(() => undefined);
    if (!info) continue; // a referenced path that does not exist: mkdocs itself reports it
    let real = from;
    if (info.isSymbolicLink()) {
      const resolved = await realpath(from).catch(() => undefined);
      if (!resolved || !isPathInside(source, resolved)) {
        skipLink(rel);
        continue;
      }
      real = resolved;
    }
    const realInfo = await stat(real);
    if (realInfo.isDirectory()) await walk(real, rel, real, new Set([source]));
    else if (realInfo.isFile()) await copyFile(real, rel);
  }
  return result;
}
