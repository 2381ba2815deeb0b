import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseYamlDocuments } from '@portalkit/core';
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

/**
 * Like {@link expandFileArguments}, then drops files found by scanning a directory that hold no
 * entity-like YAML document (no `apiVersion` or `kind`: OpenAPI specs, CI files), as `validate`
 * skips them. Files named explicitly are always kept; unreadable or broken YAML is kept too, so
 * the command that reads it reports the problem.
 */
export async function expandEntityFileArguments(args: readonly string[], cwd: string): Promise<{ files: string[]; skipped: number }> {
  const files: string[] = [];
  let skipped = 0;
  for (const { file, fromDirectory } of await expandFileArguments(args, cwd)) {
    if (fromDirectory && !(await mayHoldEntities(file))) skipped++;
    else files.push(file);
  }
  return { files, skipped };
}

async function mayHoldEntities(file: string): Promise<boolean> {
  let docs;
  try {
    docs = parseYamlDocuments(await readFile(file, 'utf8'), { file });
  } catch {
    return true;
  }
  return docs.some((d) => isEntityLike(d.value));
}

/** A YAML document that means to be an entity: an object with an `apiVersion` or a `kind`. */
export function isEntityLike(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && ('apiVersion' in value || 'kind' in value);
}
