import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@portalkit/core';
import { docsEntityName, docsEntityRef } from '../entity.js';
import { CACHE_FILE_NAME } from '../generate/cache.js';
import { assertRealpathWithin, resolveWithin, safeRelativePath } from '../paths.js';
import type { TechDocsMetadata } from '../types.js';
import { contentTypeFor } from './content-type.js';
import type { DocsEntityLike, DocsPublisher } from './types.js';

/**
 * Options of {@link localPublisher}.
 *
 * @example
 * ```ts
 * const options: LocalPublisherOptions = { root: '/var/lib/portal/techdocs' };
 * ```
 */
export interface LocalPublisherOptions {
  /** Sites are stored under `<root>/<namespace>/<kind>/<name>/` (lowercased, like Backstage). */
  root: string;
}

/**
 * A {@link DocsPublisher} on the local filesystem. A publish writes the new site beside the old
 * one and swaps it in, so readers never see half a site.
 *
 * @example
 * ```ts
 * const publisher = localPublisher({ root: './published-docs' });
 * await publisher.publish({ entity, directory: './site' });
 * ```
 */
export function localPublisher(options: LocalPublisherOptions): DocsPublisher {
  if (!options?.root) throw new InputError('localPublisher: root is required');
  const root = path.resolve(options.root);
  const siteDir = (entity: DocsEntityLike) => {
    const name = docsEntityName(entity);
    return resolveWithin(root, path.join(name.namespace, name.kind, name.name), 'entity docs path');
  };
  const readMetadata = async (entity: DocsEntityLike): Promise<TechDocsMetadata> => {
    try {
      return JSON.parse(await readFile(path.join(siteDir(entity), 'techdocs_metadata.json'), 'utf8')) as TechDocsMetadata;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`no techdocs metadata for ${docsEntityRef(docsEntityName(entity))}`);
      }
      throw new InputError(`techdocs metadata of ${docsEntityRef(docsEntityName(entity))} is unreadable`, { cause: error });
    }
  };
  return {
    async publish({ entity, directory }) {
      const target = siteDir(entity);
      const staging = `${target}.publishing-${process.pid}-${Date.now()}`;
      const old = `${target}.old-${process.pid}-${Date.now()}`;
      await mkdir(path.dirname(target), { recursive: true });
      // The build cache is private to the builder; it is not part of the published site.
      await cp(directory, staging, {
        recursive: true,
        filter: (src) => path.basename(src) !== CACHE_FILE_NAME,
      });
      const hadOld = await stat(target).then(() => true, () => false);
      if (hadOld) await rename(target, old);
      await rename(staging, target);
      if (hadOld) await rm(old, { recursive: true, force: true });
      return { objects: await listFiles(target) };
    },
    async hasDocsBeenGenerated(entity) {
      return stat(path.join(siteDir(entity), 'techdocs_metadata.json')).then(
        (s) => s.isFile(),
        () => false,
      );
    },
    fetchTechDocsMetadata: readMetadata,
    async readFile(entity, filePath) {
      const rel = safeRelativePath(filePath, { decoded: true });
      const dir = siteDir(entity);
      const file = resolveWithin(dir, rel, 'docs file');
      try {
        // A symbolic link inside a published site must not expose files outside it.
        await assertRealpathWithin(dir, file, 'docs file');
        return { content: await readFile(file), contentType: contentTypeFor(rel) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
          throw new NotFoundError(`no file '${rel}' in the docs of ${docsEntityRef(docsEntityName(entity))}`);
        }
        throw error;
      }
    },
    async deleteDocs(entity) {
      await rm(siteDir(entity), { recursive: true, force: true });
    },
  };
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, child)));
    else out.push(child);
  }
  return out.sort();
}
