import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'mdast';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, createLogger } from '@portalkit/core';
import { createTechDocs } from '../create-techdocs.js';
import { memoryPublisher } from '../publish/memory.js';
import { copyFixture, removeAll, tempDir } from '../test-utils.js';
import { createDocsBuilder } from './build.js';
import { PageBuildError, toPageFailure } from './page-failure.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

// A host's remark plugin refusing pages that hold a forbidden word, the way unified plugins do:
// `file.fail(reason, node)` points at the node; another throws an InputError about the page.
function remarkRefuseForbidden() {
  return (tree: Root, file: { fail(reason: string, node: unknown): never }) => {
    for (const node of tree.children) {
      if (node.type === 'paragraph' && JSON.stringify(node).includes('FORBIDDEN')) file.fail('forbidden word', node);
      if (node.type === 'paragraph' && JSON.stringify(node).includes('REFUSED')) throw new InputError('refused by policy');
    }
  };
}

describe('one bad page fails alone', () => {
  it('lists the failed pages with file:line, builds and publishes the rest', async () => {
    const site = await copyFixture('site');
    const output = await tempDir();
    cleanup.push(site, output);
    await writeFile(path.join(site, 'docs', 'reference.md'), '# Reference\n\nFine.\n\nThis is FORBIDDEN here.\n');
    await writeFile(path.join(site, 'docs', 'orphan.md'), '# Orphan\n\nREFUSED\n');
    const result = await createDocsBuilder({ remarkPlugins: [remarkRefuseForbidden] }).build({ source: site, output });
    expect(result.failed.map((f) => [f.file, f.line])).toEqual([
      ['orphan.md', undefined],
      ['reference.md', 5],
    ]);
    const [orphan, reference] = result.failed;
    expect(reference?.error).toBeInstanceOf(PageBuildError);
    expect(reference?.error.message).toBe('reference.md:5:1: forbidden word');
    expect(orphan?.error.message).toBe('orphan.md: refused by policy');
    expect(result.warnings).toContainEqual({ file: 'reference.md', line: 5, message: 'reference.md:5:1: forbidden word' });
    expect(result.rendered).toContain('index.md');
    expect(result.rendered).not.toContain('reference.md');
    expect(result.metadata.files).toContain('index.html');
    expect(result.metadata.files).not.toContain('reference/index.html');
  });

  it('keeps what was published when a rebuild fails', async () => {
    const site = await copyFixture('site');
    cleanup.push(site);
    const entity = {
      kind: 'Component',
      metadata: { name: 'svc', annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/managed-by-location': `file:${path.join(site, 'catalog-info.yaml')}` } },
    };
    const publisher = memoryPublisher();
    const options = { publisher, root: site, logger: createLogger({ level: 'error' }) };
    await createTechDocs(options).build(entity);
    const before = (await publisher.readFile(entity, 'reference/index.html')).content.toString();
    await writeFile(path.join(site, 'docs', 'reference.md'), '# Reference\n\nFORBIDDEN\n');
    // A strict build fails as a whole on a failed page, before anything is published.
    const strict = createTechDocs({ ...options, builder: { strict: true, remarkPlugins: [remarkRefuseForbidden] } });
    await expect(strict.build(entity)).rejects.toThrow(/reference\.md:3:1: forbidden word/);
    expect((await publisher.readFile(entity, 'reference/index.html')).content.toString()).toBe(before);
    // A build failing for a reason that is not a page's (a broken mkdocs.yml) publishes nothing either.
    await writeFile(path.join(site, 'mkdocs.yml'), 'nav: [unclosed\n');
    await expect(createTechDocs(options).build(entity)).rejects.toBeInstanceOf(InputError);
    expect((await publisher.readFile(entity, 'reference/index.html')).content.toString()).toBe(before);
  });

  it('tells page failures from bugs', () => {
    expect(toPageFailure(new TypeError('x is undefined'), 'a.md')).toBeUndefined();
    expect(toPageFailure(new Error('disk full'), 'a.md')).toBeUndefined();
    const overflow = new RangeError('Maximum call stack size exceeded');
    expect(toPageFailure(overflow, 'a.md')?.message).toMatch(/^a\.md: nested more than 256 levels deep/);
  });
});
