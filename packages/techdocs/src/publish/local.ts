import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@portalkit/core';
import { docsEntityName, docsEntityRef } from '../entity.js';
import { CACHE_FILE_NAME } from '../generate/cache.js';
import { assertRealpathWithin, resolveWithin, safeRelativePath } from '../paths.js';
import type { TechDocsMetadata } from '../types.js';
import { contentTypeFor } from './content-type.js';
import { siteFiles } from './site-files.js';
import type { DocsEntityLike, DocsPublisher } from './types.js';
import { VERSIONS_DIR, docsVersionSchema, versionFolder } from './versions.js';

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

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * A {@link DocsPublisher} on the local filesystem. A publish writes the new site beside the old
 * one and swaps it in, so readers never see half a site. Named versions are folders
 * `.versions/<version>/` of the site; publishing the default site carries them over.
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
  const siteDir = (entity: DocsEntityLike, version?: string) => {
    const name = docsEntityName(entity);
    return resolveWithin(root, path.join(name.namespace, name.kind, name.name, versionFolder(version)), 'entity docs path');
  };
  const describe = (entity: DocsEntityLike, version?: string) =>
    `${docsEntityRef(docsEntityName(entity))}${version === undefined ? '' : ` version ${version}`}`;
  const readMetadata = async (entity: DocsEntityLike, version?: string): Promise<TechDocsMetadata> => {
    const file = path.join(siteDir(entity, version), 'techdocs_metadata.json');
    try {
      return JSON.parse(await readFile(file, 'utf8')) as TechDocsMetadata;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`no techdocs metadata for ${describe(entity, version)}`);
      }
      throw new InputError(`techdocs metadata of ${describe(entity, version)} is unreadable`, { cause: error });
    }
  };
  const generated = async (entity: DocsEntityLike, version?: string) =>
    stat(path.join(siteDir(entity, version), 'techdocs_metadata.json')).then(
      (s) => s.isFile(),
      () => false,
    );
  const publisher: DocsPublisher = {
    async publish({ entity, directory, version }) {
      const target = siteDir(entity, version);
      const stamp = `${process.pid}-${Date.now()}`;
      // Staging and old copies of a version start with a dot, so they never list as versions.
      const beside = (what: string) =>
        version === undefined ? `${target}.${what}-${stamp}` : path.join(path.dirname(target), `.${what}-${path.basename(target)}-${stamp}`);
      const staging = beside('publishing');
      const old = beside('old');
      await mkdir(path.dirname(target), { recursive: true });
      // The build cache is private to the builder; it is not part of the published site.
      await cp(directory, staging, {
        recursive: true,
        filter: (src) => path.basename(src) !== CACHE_FILE_NAME && (src !== path.join(directory, VERSIONS_DIR)),
      });
      const hadOld = await exists(target);
      if (hadOld) await rename(target, old);
      await rename(staging, target);
      // The default site's versions move over to the new site.
      if (hadOld && version === undefined && (await exists(path.join(old, VERSIONS_DIR)))) {
        await rename(path.join(old, VERSIONS_DIR), path.join(target, VERSIONS_DIR));
      }
      if (hadOld) await rm(old, { recursive: true, force: true });
      return { objects: await siteFiles(directory) };
    },
    hasDocsBeenGenerated: (entity, { version } = {}) => generated(entity, version),
    fetchTechDocsMetadata: (entity, { version } = {}) => readMetadata(entity, version),
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
          throw new NotFoundError(`no file '${rel}' in the docs of ${describe(entity)}`);
        }
        throw error;
      }
    },
    async deleteDocs(entity, { version } = {}) {
      await rm(siteDir(entity, version), { recursive: true, force: true });
    },
    async listVersions(entity) {
      const entries = await readdir(path.join(siteDir(entity), VERSIONS_DIR)).catch(() => [] as string[]);
      const names = entries.filter((name) => docsVersionSchema.safeParse(name).success);
      const published = await Promise.all(names.map((name) => generated(entity, name)));
      return names.filter((_, i) => published[i]).sort();
    },
  };
  return publisher;
}
