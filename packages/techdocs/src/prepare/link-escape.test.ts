import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDocs } from '../index.js';
import { removeAll, tempDir } from '../test-utils.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

async function write(file: string, text: string) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    n += entry.isDirectory() ? await countFiles(path.join(dir, entry.name)) : 1;
  }
  return n;
}

/** A docs source and, beside it, a secret the docs author must not be able to copy in. */
async function siteWithSecret(mkdocs: string) {
  const base = await tempDir();
  cleanup.push(base);
  const root = path.join(base, 'repos');
  const site = path.join(root, 'site');
  await write(path.join(base, 'secret/docs/index.md'), '# host secret\n');
  await write(path.join(base, 'secret/hook.py'), 'TOKEN = "host secret"\n');
  await write(path.join(site, 'mkdocs.yml'), mkdocs);
  await write(path.join(site, 'docs/index.md'), '# Docs\n');
  // A link in the repository, not itself named by mkdocs.yml: only a path through it is.
  await symlink(path.join(base, 'secret'), path.join(site, 'out'));
  return { root, site };
}

describe('prepareDocs: paths mkdocs.yml names through a symbolic link', () => {
  it.each([
    ['docs_dir', 'site_name: x\ndocs_dir: out/docs\n', 'out/docs/index.md'],
    ['hooks', 'site_name: x\nhooks: [out/hook.py]\n', 'out/hook.py'],
    ['theme.custom_dir', 'site_name: x\ntheme:\n  name: mkdocs\n  custom_dir: out/docs\n', 'out/docs/index.md'],
  ])('never copies a file outside the source through a linked parent folder (%s)', async (_key, mkdocs, leaked) => {
    const { root, site } = await siteWithSecret(mkdocs);
    const prepared = await prepareDocs({ directory: site }, { root }).catch((error: Error) => error);
    if (prepared instanceof Error) {
      expect(prepared.name).toMatch(/InputError|NotAllowedError|NotFoundError/);
      return;
    }
    cleanup.push(prepared.dir);
    await expect(readdir(path.join(prepared.dir, path.dirname(leaked)))).rejects.toThrow();
    expect(prepared.warnings.map((w) => w.message).join('\n')).toMatch(/symbolic link|not a path below/);
  });

  it('copies a folder reached through many links once per link chain, not exponentially', async () => {
    const base = await tempDir();
    cleanup.push(base);
    const site = path.join(base, 'site');
    await write(path.join(site, 'mkdocs.yml'), 'site_name: x\n');
    await write(path.join(site, 'docs/index.md'), '# Docs\n');
    // level-i holds two links to level-(i+1): a plain walk copies level-12's file 2^12 times.
    const depth = 12;
    for (let i = 0; i <= depth; i++) await mkdir(path.join(site, `docs/level-${i}`), { recursive: true });
    await write(path.join(site, `docs/level-${depth}/leaf.md`), 'leaf\n');
    for (let i = 0; i < depth; i++) {
      await symlink(`../level-${i + 1}`, path.join(site, `docs/level-${i}/a`));
      await symlink(`../level-${i + 1}`, path.join(site, `docs/level-${i}/b`));
    }
    const prepared = await prepareDocs({ directory: site }, { root: base });
    cleanup.push(prepared.dir);
    expect(prepared.copied.files).toBeLessThan(100);
    expect(await countFiles(prepared.dir)).toBe(prepared.copied.files);
  });

  it('selects the paths of a mkdocs.yml naming tens of thousands of hooks in linear time, and copies each', async () => {
    const base = await tempDir();
    cleanup.push(base);
    const site = path.join(base, 'site');
    // Pairwise comparison of 40,000 named paths is 1.6 billion string checks: past the test's timeout.
    const count = 40_000;
    const hooks = Array.from({ length: count }, (_, i) => `hooks/h${i}.py`);
    await write(path.join(site, 'mkdocs.yml'), `site_name: x\nhooks:\n${hooks.map((h) => `  - ${h}\n`).join('')}`);
    await write(path.join(site, 'docs/index.md'), '# Docs\n');
    await write(path.join(site, 'hooks/h7.py'), 'x = 1\n');
    const prepared = await prepareDocs({ directory: site }, { root: base });
    cleanup.push(prepared.dir);
    expect(await readdir(path.join(prepared.dir, 'hooks'))).toEqual(['h7.py']);
    expect(prepared.copied.files).toBe(3);
  });
});
