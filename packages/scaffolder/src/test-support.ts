import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import type { CatalogEntityLike, ScaffolderCatalog, ScaffolderLocationSpec } from './types.js';

// Test helpers only; not exported from the package.

export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const run = promisify(execFile);

export async function tempDir(prefix = 'pk-scaffolder-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** `git show <rev>:<path>` from a bare repository. */
export async function gitShow(gitDir: string, spec: string, encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  const { stdout } = await run('git', ['--git-dir', gitDir, 'show', spec], { encoding: encoding === 'buffer' ? 'buffer' : 'utf8' });
  return stdout;
}

/**
 * A catalog that "reads" `<file URL of a bare repo>/blob/<branch>/<path>` locations with git,
 * as a real catalog would read a repository URL.
 */
export function fakeCatalog(): ScaffolderCatalog & { locations: ScaffolderLocationSpec[]; entities: Map<string, CatalogEntityLike> } {
  const locations: ScaffolderLocationSpec[] = [];
  const entities = new Map<string, CatalogEntityLike>();
  return {
    locations,
    entities,
    async addLocation(location, options) {
      // A dry run reads the target and stores nothing, as the catalog's does.
      if (!options?.dryRun) locations.push(location);
      const match = /^(file:\/\/.+?)\/blob\/([^/]+)\/(.+)$/.exec(location.target);
      if (!match) throw new Error(`fake catalog cannot read ${location.target}`);
      const text = (await gitShow(fileURLToPath(match[1]!), `${match[2]}:${match[3]}`)) as string;
      const found = yaml.loadAll(text) as CatalogEntityLike[];
      if (options?.dryRun) return { location: { ...location }, entities: found };
      for (const e of found) entities.set(`${e.kind.toLowerCase()}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e);
      return { location: { id: String(locations.length), ...location }, entities: found };
    },
    async getEntityByRef(ref) {
      return entities.get(ref);
    },
  };
}
