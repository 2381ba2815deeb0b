import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader, InputError, NotAllowedError, NotFoundError, NotModifiedError } from '@portalkit/core';
import { copyFixture, removeAll, tempDir } from '../test-utils.js';
import type { TechDocsEntity } from '../types.js';
import { prepareDocs, resolveDocsLocation } from './index.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

const entity = (annotations: Record<string, string>): TechDocsEntity => ({
  kind: 'Component',
  metadata: { name: 'svc', annotations },
});

describe('prepareDocs', () => {
  it('copies a directory into a temp dir with a content etag', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    const prepared = await prepareDocs({ directory: root }, { root });
    expect(prepared.dir).not.toBe(root);
    expect(await readFile(path.join(prepared.dir, 'docs/index.md'), 'utf8')).toContain('# Welcome');
    const again = await prepareDocs({ directory: '.' }, { root });
    expect(again.etag).toBe(prepared.etag);
    await writeFile(path.join(root, 'docs/index.md'), '# Changed\n');
    const changed = await prepareDocs({ directory: root }, { root });
    expect(changed.etag).not.toBe(prepared.etag);
    await Promise.all([prepared.cleanup(), again.cleanup(), changed.cleanup()]);
    await expect(stat(prepared.dir)).rejects.toThrow();
  });

  it('refuses source directories outside the allowed root, and skips links out of the docs with a warning', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    await expect(prepareDocs({ directory: '../../etc' }, { root })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(prepareDocs({ directory: '/etc' }, { root })).rejects.toBeInstanceOf(NotAllowedError);
    await symlink('/etc', path.join(root, 'docs', 'evil'));
    await symlink('/etc/hostname', path.join(root, 'docs', 'evil.md'));
    await symlink(path.join(root, 'nowhere'), path.join(root, 'docs', 'dangling.md'));
    const prepared = await prepareDocs({ directory: root }, { root });
    cleanup.push(prepared.dir);
    await expect(stat(path.join(prepared.dir, 'docs/evil'))).rejects.toThrow();
    await expect(stat(path.join(prepared.dir, 'docs/evil.md'))).rejects.toThrow();
    // The same words whether the target exists (evil.md) or not (dangling.md): nothing is learnt of the host.
    const message = 'symbolic link skipped: it does not lead to a file inside its folder';
    expect(prepared.warnings.sort((a, b) => a.file.localeCompare(b.file))).toEqual([
      { file: 'docs/dangling.md', message },
      { file: 'docs/evil', message },
      { file: 'docs/evil.md', message },
    ]);
    const outer = await tempDir();
    cleanup.push(outer);
    await symlink(outer, path.join(root, 'linked-root'));
    await expect(prepareDocs({ directory: 'linked-root' }, { root })).rejects.toBeInstanceOf(NotAllowedError);
    await symlink('/etc/hostname', path.join(outer, 'mkdocs.yml'));
    await expect(prepareDocs({ directory: outer }, { root: outer })).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('follows links that stay inside the docs folder, and skips link loops and links out of it', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    await symlink(path.join(root, 'docs', 'guide'), path.join(root, 'docs', 'guide-link'));
    await symlink(root, path.join(root, 'docs', 'loop'));
    await symlink(path.join(root, 'docs'), path.join(root, 'docs', 'guide', 'up'));
    const prepared = await prepareDocs({ directory: root }, { root });
    expect(await readFile(path.join(prepared.dir, 'docs/guide-link/configuration.md'), 'utf8')).toContain('Configuration');
    await expect(stat(path.join(prepared.dir, 'docs/loop'))).rejects.toThrow();
    await expect(stat(path.join(prepared.dir, 'docs/guide/up'))).rejects.toThrow();
    expect(prepared.warnings.map((w) => w.file).sort()).toEqual(['docs/guide-link/up', 'docs/guide/up', 'docs/loop']);
    await prepared.cleanup();
  });

  it('fails a source without mkdocs.yml with NotFoundError naming it', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await mkdir(path.join(root, 'docs'));
    await expect(prepareDocs({ directory: '.' }, { root })).rejects.toBeInstanceOf(NotFoundError);
    await expect(prepareDocs({ directory: '.' }, { root })).rejects.toThrow(/has no mkdocs\.yml or mkdocs\.yaml/);
  });

  it('resolves dir: refs against a file location and confines them', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    const located = entity({
      'backstage.io/techdocs-ref': 'dir:.',
      'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}`,
    });
    expect(resolveDocsLocation(located)).toEqual({ type: 'file', target: root });
    const prepared = await prepareDocs({ entity: located }, { root });
    expect((await stat(path.join(prepared.dir, 'mkdocs.yml'))).isFile()).toBe(true);
    await prepared.cleanup();
    const escaping = entity({
      'backstage.io/techdocs-ref': 'dir:../../../../../etc',
      'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}`,
    });
    await expect(prepareDocs({ entity: escaping }, { root })).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('reads url: refs and dir: refs of url locations through the reader', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    const reader = createFileReader({ root });
    const byUrl = entity({ 'backstage.io/techdocs-ref': `url:${pathToFileURL(root).toString()}` });
    const prepared = await prepareDocs({ entity: byUrl }, { root, reader });
    expect(await readFile(path.join(prepared.dir, 'docs/reference.md'), 'utf8')).toContain('# Reference');
    await expect(prepareDocs({ entity: byUrl }, { root, reader, etag: prepared.etag })).rejects.toBeInstanceOf(
      NotModifiedError,
    );
    await prepared.cleanup();

    const byLocation = entity({
      'backstage.io/techdocs-ref': 'dir:./docs/guide',
      'backstage.io/source-location': `url:${pathToFileURL(root).toString()}/`,
    });
    expect(resolveDocsLocation(byLocation)).toEqual({ type: 'url', target: `${pathToFileURL(root).toString()}/docs/guide` });
    await expect(prepareDocs({ entity: byUrl }, { root })).rejects.toBeInstanceOf(InputError);
  });

  it('rejects entities without a usable techdocs-ref', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await mkdir(path.join(root, 'x'));
    await expect(prepareDocs({ entity: entity({}) }, { root })).rejects.toThrow(/techdocs-ref/);
    await expect(prepareDocs({ entity: entity({ 'backstage.io/techdocs-ref': 'dir:.' }) }, { root })).rejects.toThrow(
      /source-location/,
    );
    await expect(
      prepareDocs({ entity: entity({ 'backstage.io/techdocs-ref': 'git:whatever' }) }, { root }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
