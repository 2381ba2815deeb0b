import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './usage-error.js';

/** A file to check; `fromDirectory` when it was found by scanning a directory argument. */
export interface FileArgument {
  file: string;
  fromDirectory: boolean;
}

/**
 * Expand file arguments: a glob (`services/**\/catalog-info.yaml`), a file, or a directory (its
 * `*.yaml`/`*.yml` files, recursively, without `node_modules`). Paths resolve against `cwd`; the
 * result is absolute, sorted and without duplicates. An argument matching nothing is a usage
 * error naming it.
 */
export async function expandFileArguments(args: readonly string[], cwd: string): Promise<FileArgument[]> {
  const found = new Map<string, boolean>();
  for (const arg of args) {
    let matches: string[];
    let fromDirectory = false;
    if (isDynamicPattern(arg)) {
      matches = await glob([arg.split(path.sep).join('/')], { cwd, absolute: true, onlyFiles: true, ignore: ['**/node_modules/**'] });
    } else {
      const target = path.resolve(cwd, arg);
      const info = await stat(target).catch(() => undefined);
      if (!info) throw new UsageError(`${arg}: no such file or directory`);
      fromDirectory = info.isDirectory();
      matches = fromDirectory
        ? await glob(['**/*.{yaml,yml}'], { cwd: target, absolute: true, onlyFiles: true, ignore: ['**/node_modules/**'] })
        : [target];
    }
    if (matches.length === 0) throw new UsageError(`${arg}: no file matches`);
    for (const file of matches) {
      const absolute = path.resolve(file);
      // Named explicitly anywhere wins over found in a directory.
      found.set(absolute, (found.get(absolute) ?? true) && fromDirectory);
    }
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, fromDirectory]) => ({ file, fromDirectory }));
}
