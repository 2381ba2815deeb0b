import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError } from '@portalkit/core';
import { buildDocs } from '../generate/build.js';
import { fixturesDir, removeAll, tempDir } from '../test-utils.js';
import type { TechDocsEntity } from '../types.js';
import { localPublisher } from './local.js';
import { memoryPublisher } from './memory.js';
import type { DocsPublisher } from './types.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

const entity: TechDocsEntity = { kind: 'Component', metadata: { name: 'My-Service', namespace: 'Team-A' } };
let site: string;
beforeAll(async () => {
  site = await tempDir();
  cleanup.push(site);
  await buildDocs({ source: path.join(fixturesDir, 'site'), output: site });
});

const publishers: Array<[string, () => Promise<DocsPublisher>]> = [
  ['memoryPublisher', async () => memoryPublisher()],
  [
    'localPublisher',
    async () => {
      const root = await tempDir();
      cleanup.push(root);
      return localPublisher({ root });
    },
  ],
];

describe.each(publishers)('%s', (_name, create) => {
  it('publishes a site and reads files back with content types', async () => {
    const publisher = await create();
    expect(await publisher.hasDocsBeenGenerated(entity)).toBe(false);
    await expect(publisher.fetchTechDocsMetadata(entity)).rejects.toBeInstanceOf(NotFoundError);
    const { objects } = await publisher.publish({ entity, directory: site });
    expect(objects).toContain('index.html');
    expect(objects).not.toContain('.techdocs-cache.json');
    expect(await publisher.hasDocsBeenGenerated(entity)).toBe(true);
    // Lookups are case-insensitive, as in Backstage.
    const lower = { namespace: 'team-a', kind: 'component', name: 'my-service' };
    expect((await publisher.fetchTechDocsMetadata(lower)).site_name).toBe('Fixture Docs');
    const html = await publisher.readFile(lower, 'guide/configuration/index.html');
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.content.toString('utf8')).toContain('<!doctype html>');
    expect((await publisher.readFile(entity, 'images/logo.png')).contentType).toBe('image/png');
    expect((await publisher.readFile(entity, 'search/search_index.json')).contentType).toMatch(/^application\/json/);
    await expect(publisher.readFile(entity, 'missing.html')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses paths leaving the site', async () => {
    const publisher = await create();
    await publisher.publish({ entity, directory: site });
    for (const bad of ['../../etc/passwd', 'guide/../../x', '..\\..\\x', '/etc/passwd']) {
      await expect(publisher.readFile(entity, bad)).rejects.toBeInstanceOf(NotAllowedError);
    }
  });

  it('replaces a site on republish and deletes it', async () => {
    const publisher = await create();
    await publisher.publish({ entity, directory: site });
    const small = await tempDir();
    cleanup.push(small);
    await writeFile(path.join(small, 'index.html'), '<p>new</p>');
    await writeFile(path.join(small, 'techdocs_metadata.json'), JSON.stringify({ site_name: 'New', site_description: '', etag: 'e', build_timestamp: 1, files: ['index.html'] }));
    await publisher.publish({ entity, directory: small });
    expect((await publisher.fetchTechDocsMetadata(entity)).site_name).toBe('New');
    await expect(publisher.readFile(entity, 'images/logo.png')).rejects.toBeInstanceOf(NotFoundError);
    await publisher.deleteDocs?.(entity);
    expect(await publisher.hasDocsBeenGenerated(entity)).toBe(false);
  });
});

describe('localPublisher layout', () => {
  it('stores sites under <root>/<namespace>/<kind>/<name>/, lowercased', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await localPublisher({ root }).publish({ entity, directory: site });
    expect(await readdir(path.join(root, 'team-a', 'component', 'my-service'))).toContain('techdocs_metadata.json');
  });

  it('does not serve files behind symbolic links out of the site', async () => {
    const root = await tempDir();
    cleanup.push(root);
    const publisher = localPublisher({ root });
    await publisher.publish({ entity, directory: site });
    const dir = path.join(root, 'team-a', 'component', 'my-service');
    await mkdir(path.join(dir, 'sub'));
    await symlink('/etc/hostname', path.join(dir, 'sub', 'leak.txt'));
    await expect(publisher.readFile(entity, 'sub/leak.txt')).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('rejects invalid entity names', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await expect(
      localPublisher({ root }).hasDocsBeenGenerated({ kind: 'component', metadata: { name: '..', namespace: 'default' } }),
    ).rejects.toThrow();
  });
});
