import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, NotAllowedError, NotFoundError, NotModifiedError } from '../errors.js';
import { createFileReader } from './file.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'pk-file-reader-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'docs', 'nested'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(root, 'catalog-info.yaml'), 'kind: Component\n');
  await writeFile(join(root, 'docs', 'index.md'), '# Hi\n');
  await writeFile(join(root, 'docs', 'nested', 'page.md'), 'page\n');
  await writeFile(join(outside, 'secret.txt'), 'secret\n');
  await mkdir(join(outside, 'dir'));
  await writeFile(join(outside, 'dir', 'x.txt'), 'x');
  await symlink(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
  await symlink(join(outside, 'dir'), join(root, 'dir-out'));
  await symlink(join(root, 'catalog-info.yaml'), join(root, 'link-in.yaml'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createFileReader', () => {
  it('reads plain paths, file: relative URLs and file:// absolute URLs', async () => {
    const reader = createFileReader({ root });
    const expected = 'kind: Component\n';
    const etag = createHash('sha256').update(expected).digest('hex');
    for (const url of [
      'catalog-info.yaml',
      './catalog-info.yaml',
      'file:./catalog-info.yaml',
      'file:catalog-info.yaml',
      pathToFileURL(join(root, 'catalog-info.yaml')).href,
      join(root, 'catalog-info.yaml'),
      'link-in.yaml',
    ]) {
      expect(reader.canRead(url)).toBe(true);
      const result = await reader.read(url);
      expect(result.buffer.toString()).toBe(expected);
      expect(result.etag).toBe(etag);
    }
    expect(reader.canRead('https://example.com/x')).toBe(false);
  });

  it('answers NotModified for a matching etag', async () => {
    const reader = createFileReader({ root });
    const { etag } = await reader.read('catalog-info.yaml');
    await expect(reader.read('catalog-info.yaml', { etag })).rejects.toBeInstanceOf(NotModifiedError);
  });

  it('rejects paths escaping the root', async () => {
    const reader = createFileReader({ root });
    for (const url of [
      '../outside/secret.txt',
      'docs/../../outside/secret.txt',
      'file:../outside/secret.txt',
      join(outside, 'secret.txt'),
      pathToFileURL(join(outside, 'secret.txt')).href,
      '/etc/passwd',
      'file:///etc/passwd',
      'link-out.txt',
      'dir-out/x.txt',
      'dir-out/missing.txt',
    ]) {
      const error = await errorOf(reader.read(url));
      expect(error, url).toBeInstanceOf(NotAllowedError);
    }
  });

  it('reports missing files as NotFound and bad input as InputError', async () => {
    const reader = createFileReader({ root });
    await expect(reader.read('missing.yaml')).rejects.toBeInstanceOf(NotFoundError);
    await expect(reader.read('docs/missing/deeper.md')).rejects.toBeInstanceOf(NotFoundError);
    await expect(reader.read('docs')).rejects.toBeInstanceOf(InputError);
    await expect(reader.read('bad\0name')).rejects.toBeInstanceOf(InputError);
    await expect(reader.readTree('catalog-info.yaml')).rejects.toBeInstanceOf(InputError);
  });

  it('reads a tree recursively with relative / paths and writes it out', async () => {
    const reader = createFileReader({ root });
    const tree = await reader.readTree('file:./docs');
    expect(tree.files.map((f) => f.path)).toEqual(['index.md', 'nested/page.md']);
    expect((await tree.files[1]!.content()).toString()).toBe('page\n');
    const target = join(base, 'copy');
    await tree.writeTo(target);
    expect(await readFile(join(target, 'nested', 'page.md'), 'utf8')).toBe('page\n');

    const again = await reader.readTree('docs');
    expect(again.etag).toBe(tree.etag);
    await expect(reader.readTree('docs', { etag: tree.etag })).rejects.toBeInstanceOf(NotModifiedError);
    const filtered = await reader.readTree('docs', { filter: (p) => !p.startsWith('nested/') });
    expect(filtered.files.map((f) => f.path)).toEqual(['index.md']);
    expect(filtered.etag).not.toBe(tree.etag);
  });

  it('refuses a tree containing a symlink out of the root', async () => {
    const reader = createFileReader({ root });
    await expect(reader.readTree('.')).rejects.toBeInstanceOf(NotAllowedError);
    await expect(reader.readTree('dir-out')).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('rejects misuse at creation', () => {
    expect(() => createFileReader({ root: '' })).toThrow(/createFileReader/);
  });
});
