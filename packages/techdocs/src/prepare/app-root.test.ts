import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader } from '@portalkit/core';
import { createTechDocs, memoryPublisher, prepareDocs, type TechDocsEntity } from '../index.js';
import { removeAll, tempDir } from '../test-utils.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

async function write(file: string, text: string) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * An application's root as a user's repository has it: docs beside the app's sources, a large
 * node_modules (pnpm-style links, one leading to the host), .git, and the worst links a docs
 * author can write inside docs/ (to /etc, to a host file, a loop back to the root).
 */
async function appRoot(): Promise<{ root: string; hugeFiles: number }> {
  const root = await tempDir();
  cleanup.push(root);
  await write(
    path.join(root, 'mkdocs.yml'),
    'site_name: Orders\ntheme:\n  name: material\n  custom_dir: overrides\nextra_css: [css/extra.css]\n' +
      'markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets, ../outside]\n',
  );
  await write(path.join(root, 'docs/index.md'), '# Orders\n\nSee [the guide](guide/setup.md).\n');
  await write(path.join(root, 'docs/guide/setup.md'), '# Setup\n');
  await write(path.join(root, 'docs/css/extra.css'), 'body { color: black; }\n');
  await write(path.join(root, 'overrides/main.html'), '{% extends "base.html" %}\n');
  await write(path.join(root, 'snippets/note.md'), 'A note.\n');
  await write(path.join(root, 'package.json'), '{"name":"orders"}\n');
  await write(path.join(root, 'src/index.ts'), 'export {};\n');
  await write(path.join(root, 'catalog-info.yaml'), 'kind: Component\n');
  await write(path.join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  await write(path.join(root, '.git/objects/ab/cdef'), 'x'.repeat(1000));
  await write(path.join(root, 'docs/.svn/entries'), '12\n');
  let hugeFiles = 0;
  for (let p = 0; p < 40; p++) {
    for (let f = 0; f < 50; f++) {
      await write(path.join(root, `node_modules/.pnpm/pkg-${p}/node_modules/pkg-${p}/lib/file-${f}.js`), `module.exports = ${f};\n`.repeat(20));
      hugeFiles++;
    }
    await symlink(path.join(root, `node_modules/.pnpm/pkg-${p}/node_modules/pkg-${p}`), path.join(root, `node_modules/pkg-${p}`));
  }
  await symlink('/etc', path.join(root, 'node_modules/host-etc'));
  await symlink(root, path.join(root, 'node_modules/.pnpm/loop'));
  await mkdir(path.join(root, 'docs/node_modules/x'), { recursive: true });
  await write(path.join(root, 'docs/node_modules/x/index.js'), 'module.exports = 1;\n');
  await symlink('/etc', path.join(root, 'docs/etc'));
  await symlink('/etc/passwd', path.join(root, 'docs/passwd.md'));
  await symlink(root, path.join(root, 'docs/loop'));
  return { root, hugeFiles };
}

const copiedSet = [
  'docs/css/extra.css',
  'docs/guide/setup.md',
  'docs/index.md',
  'mkdocs.yml',
  'overrides/main.html',
  'snippets/note.md',
];

describe('TechDocs with dir:. at an application root', () => {
  it('copies only what mkdocs reads: config, docs_dir, theme.custom_dir, snippets — no node_modules, VCS or links out', async () => {
    const { root, hugeFiles } = await appRoot();
    const started = performance.now();
    const prepared = await prepareDocs({ directory: '.' }, { root });
    cleanup.push(prepared.dir);
    const ms = Math.round(performance.now() - started);
    // Reported, not asserted: the time depends on the machine.
    console.info(`app root with ${hugeFiles} node_modules files: copied ${prepared.copied.files} files, ${prepared.copied.bytes} bytes in ${ms} ms`);
    expect(await listFiles(prepared.dir)).toEqual(copiedSet);
    expect(prepared.copied.files).toBe(copiedSet.length);
    let bytes = 0;
    for (const file of copiedSet) bytes += (await stat(path.join(prepared.dir, file))).size;
    expect(prepared.copied.bytes).toBe(bytes);
    const skipped = 'symbolic link skipped: it does not lead to a file inside its folder';
    expect(prepared.warnings.sort((a, b) => a.file.localeCompare(b.file))).toEqual([
      { file: 'docs/etc', message: skipped },
      { file: 'docs/loop', message: skipped },
      { file: 'docs/passwd.md', message: skipped },
      { file: 'mkdocs.yml', message: "pymdownx.snippets.base_path '../outside' is not a path below the docs source; not copied" },
    ]);
  });

  it('builds and serves the site from an entity with dir:., logging what it skipped', async () => {
    const { root } = await appRoot();
    const entity: TechDocsEntity = {
      kind: 'Component',
      metadata: {
        name: 'orders',
        annotations: {
          'backstage.io/techdocs-ref': 'dir:.',
          'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}`,
        },
      },
    };
    const techdocs = createTechDocs({ publisher: memoryPublisher(), getEntity: () => entity, root });
    const log: string[] = [];
    const result = await techdocs.build(entity, { onLog: (m) => log.push(m) });
    expect(result.warnings.filter((w) => w.message.startsWith('symbolic link skipped')).map((w) => w.file).sort()).toEqual(['docs/etc', 'docs/loop', 'docs/passwd.md']);
    expect(log.filter((m) => /^Prepared 6 source files \(\d+ bytes\)$/.test(m))).toHaveLength(1);
    expect(log.filter((m) => /^WARNING docs\/\S+: symbolic link skipped/.test(m))).toHaveLength(3);
    const page = await techdocs.request('/static/docs/default/component/orders/guide/setup/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Setup');
    const missing = await techdocs.request('/static/docs/default/component/orders/node_modules/pkg-1/lib/file-1.js');
    expect(missing.status).toBe(404);
  });

  it('reads url: sources through the reader without node_modules or VCS folders', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await write(path.join(root, 'mkdocs.yml'), 'site_name: Orders\ndocs_dir: documentation\n');
    await write(path.join(root, 'documentation/index.md'), '# Orders\n');
    await write(path.join(root, 'documentation/node_modules/x.js'), '1;\n');
    await write(path.join(root, 'node_modules/pkg/index.js'), '1;\n');
    await write(path.join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    await write(path.join(root, 'src/app.ts'), 'export {};\n');
    const entity: TechDocsEntity = { kind: 'Component', metadata: { name: 'orders', annotations: { 'backstage.io/techdocs-ref': `url:${pathToFileURL(root)}` } } };
    const prepared = await prepareDocs({ entity }, { root, reader: createFileReader({ root }) });
    cleanup.push(prepared.dir);
    expect(await listFiles(prepared.dir)).toEqual(['documentation/index.md', 'mkdocs.yml']);
    expect(prepared.copied).toEqual({ files: 2, bytes: 'site_name: Orders\ndocs_dir: documentation\n'.length + '# Orders\n'.length });
  });
});
