/**
 * The behaviour every {@link DocsPublisher} shares, as a vitest suite: memory, local and S3 run
 * it (publish.test.ts, s3.test.ts); a host's own publisher can too. Test-only (not exported).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotAllowedError, NotFoundError } from '@portalkit/core';
import { buildDocs } from '../generate/build.js';
import { fixturesDir, removeAll, tempDir } from '../test-utils.js';
import type { TechDocsEntity } from '../types.js';
import type { DocsPublisher } from './types.js';

const entity: TechDocsEntity = { kind: 'Component', metadata: { name: 'My-Service', namespace: 'Team-A' } };

/** A tiny site with one page and metadata named `siteName`, plus any extra files. */
async function smallSite(cleanup: string[], siteName: string, extra: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  cleanup.push(dir);
  const files = { 'index.html': `<p>${siteName}</p>`, ...extra };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const metadata = { site_name: siteName, site_description: '', etag: siteName, build_timestamp: 1, files: Object.keys(files) };
  await writeFile(path.join(dir, 'techdocs_metadata.json'), JSON.stringify(metadata));
  return dir;
}

/** Run the publisher contract against publishers made by `create` (a fresh, empty one per call). */
export function describePublisherContract(name: string, create: () => Promise<DocsPublisher>): void {
  describe(`${name} (publisher contract)`, () => {
    const cleanup: string[] = [];
    afterAll(() => removeAll(cleanup));
    let site: string;
    beforeAll(async () => {
      site = await tempDir();
      cleanup.push(site);
      await buildDocs({ source: path.join(fixturesDir, 'site'), output: site });
    });

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
      const logo = await publisher.readFile(entity, 'images/logo.png');
      expect(logo.contentType).toBe('image/png');
      expect(logo.content.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect((await publisher.readFile(entity, 'search/search_index.json')).contentType).toMatch(/^application\/json/);
      await expect(publisher.readFile(entity, 'missing.html')).rejects.toBeInstanceOf(NotFoundError);
      await expect(publisher.readFile(entity, '.techdocs-cache.json')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses paths leaving the site, and entity names that are paths', async () => {
      const publisher = await create();
      await publisher.publish({ entity, directory: site });
      for (const bad of ['../../etc/passwd', 'guide/../../x', '..\\..\\x', '/etc/passwd', '../my-service-2/index.html', 'a/\0b']) {
        await expect(publisher.readFile(entity, bad)).rejects.toBeInstanceOf(NotAllowedError);
      }
      // Paths arrive decoded: an encoded slash or dot is a literal character of one name, not a way out.
      for (const literal of ['..%2F..%2Fx', '%2e%2e/index.html', 'guide%2F..%2F..%2Findex.html']) {
        await expect(publisher.readFile(entity, literal)).rejects.toBeInstanceOf(NotFoundError);
      }
      for (const name of ['..', '.', 'a/b', 'a\\b', '']) {
        const bad = { kind: 'component', metadata: { name, namespace: 'default' } };
        await expect(publisher.hasDocsBeenGenerated(bad)).rejects.toBeInstanceOf(InputError);
        await expect(publisher.readFile({ namespace: 'default', kind: 'component', name }, 'index.html')).rejects.toBeInstanceOf(InputError);
      }
      await expect(publisher.readFile({ namespace: '..', kind: '..', name: 'x' }, 'index.html')).rejects.toBeInstanceOf(InputError);
    });

    it('keeps entities apart, with unicode names and paths', async () => {
      const publisher = await create();
      const other: TechDocsEntity = { kind: 'Component', metadata: { name: 'my-service-2', namespace: 'team-a' } };
      const unicode: TechDocsEntity = { kind: 'Component', metadata: { name: 'Dienst-Ünï', namespace: 'team-a' } };
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'one') });
      await publisher.publish({ entity: other, directory: await smallSite(cleanup, 'two', { 'ünï cödé/Straße.html': 'ß' }) });
      await publisher.publish({ entity: unicode, directory: await smallSite(cleanup, 'three') });
      expect((await publisher.readFile(entity, 'index.html')).content.toString()).toBe('<p>one</p>');
      expect((await publisher.readFile(other, 'ünï cödé/Straße.html')).content.toString()).toBe('ß');
      expect((await publisher.fetchTechDocsMetadata({ namespace: 'team-a', kind: 'component', name: 'dienst-ünï' })).site_name).toBe('three');
      await expect(publisher.readFile(entity, 'ünï cödé/Straße.html')).rejects.toBeInstanceOf(NotFoundError);
      await publisher.deleteDocs?.(other);
      expect(await publisher.hasDocsBeenGenerated(other)).toBe(false);
      expect(await publisher.hasDocsBeenGenerated(entity)).toBe(true);
    });

    it('replaces a site on republish and deletes it', async () => {
      const publisher = await create();
      await publisher.publish({ entity, directory: site });
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'New') });
      expect((await publisher.fetchTechDocsMetadata(entity)).site_name).toBe('New');
      await expect(publisher.readFile(entity, 'images/logo.png')).rejects.toBeInstanceOf(NotFoundError);
      await publisher.deleteDocs?.(entity);
      expect(await publisher.hasDocsBeenGenerated(entity)).toBe(false);
    });

    it('keeps named versions beside the default site', async () => {
      const publisher = await create();
      expect(await publisher.listVersions?.(entity)).toEqual([]);
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'v1 docs', { 'old.html': 'only in v1' }), version: 'v1.0.0' });
      // A version alone is not the default site.
      expect(await publisher.hasDocsBeenGenerated(entity)).toBe(false);
      expect(await publisher.hasDocsBeenGenerated(entity, { version: 'v1.0.0' })).toBe(true);
      await publisher.publish({ entity, directory: site });
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'main docs'), version: 'main' });
      expect(await publisher.listVersions?.(entity)).toEqual(['main', 'v1.0.0']);
      expect((await publisher.fetchTechDocsMetadata(entity, { version: 'v1.0.0' })).site_name).toBe('v1 docs');
      expect((await publisher.readFile(entity, '.versions/v1.0.0/old.html')).content.toString()).toBe('only in v1');
      // Republishing the default site keeps the versions; republishing a version replaces only it.
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'latest') });
      expect((await publisher.fetchTechDocsMetadata(entity)).site_name).toBe('latest');
      expect((await publisher.readFile(entity, '.versions/main/index.html')).content.toString()).toBe('<p>main docs</p>');
      await publisher.publish({ entity, directory: await smallSite(cleanup, 'v1 again'), version: 'v1.0.0' });
      await expect(publisher.readFile(entity, '.versions/v1.0.0/old.html')).rejects.toBeInstanceOf(NotFoundError);
      expect((await publisher.fetchTechDocsMetadata(entity)).site_name).toBe('latest');
      await publisher.deleteDocs?.(entity, { version: 'main' });
      expect(await publisher.listVersions?.(entity)).toEqual(['v1.0.0']);
      expect(await publisher.hasDocsBeenGenerated(entity)).toBe(true);
      for (const bad of ['../x', '.', '..', 'a/b', '.hidden', '', 'x'.repeat(200)]) {
        await expect(publisher.publish({ entity, directory: site, version: bad })).rejects.toBeInstanceOf(InputError);
        await expect(publisher.fetchTechDocsMetadata(entity, { version: bad })).rejects.toBeInstanceOf(InputError);
      }
    });
  });
}
