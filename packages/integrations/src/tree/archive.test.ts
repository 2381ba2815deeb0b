import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTarArchive } from './archive.js';
import { createTreeResponse } from './tree-response.js';

const exec = promisify(execFile);

/** One ustar entry, built by hand so a test can hold names no tar tool would write. */
function tarEntry(name: string, body: string, type = '0', linkName = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${Buffer.byteLength(body).toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write(linkName, 157, 100);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
  data.write(body);
  return Buffer.concat([header, data]);
}
const tar = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

describe('readTarArchive', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'archive-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a real git archive, strips the wrapping directory and keeps a subpath', async () => {
    const repo = path.join(dir, 'repo');
    await mkdir(path.join(repo, 'docs', 'guide'), { recursive: true });
    await writeFile(path.join(repo, 'README.md'), 'root\n');
    await writeFile(path.join(repo, 'docs', 'index.md'), '# Docs\n');
    await writeFile(path.join(repo, 'docs', 'guide', 'a.md'), '# A\n');
    const env = { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' };
    await exec('git', ['init', '-q'], { cwd: repo, env });
    await exec('git', ['add', '.'], { cwd: repo, env });
    await exec('git', ['commit', '-qm', 'x'], { cwd: repo, env });
    const { stdout } = await exec('git', ['archive', '--format=tar.gz', '--prefix=acme-web-abc123/', 'HEAD'], { cwd: repo, env, encoding: 'buffer' });
    const files = await readTarArchive(stdout, { what: 'acme/web', stripComponents: 1, subpath: 'docs' });
    expect(files.map((f) => f.path).sort()).toEqual(['guide/a.md', 'index.md']);
    expect((await files.find((f) => f.path === 'index.md')!.content()).toString()).toBe('# Docs\n');
  });

  it('refuses symbolic links, hard links and unsafe names, typed and naming the entry', async () => {
    await expect(readTarArchive(tar(tarEntry('r/a.md', 'x'), tarEntry('r/link', '', '2', '/etc/passwd')), { what: 'repo', stripComponents: 1 })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('link'),
    });
    await expect(readTarArchive(tar(tarEntry('r/hard', '', '1', 'r/a.md')), { what: 'repo', stripComponents: 1 })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(readTarArchive(tar(tarEntry('r/../../escape.txt', 'x')), { what: 'repo', stripComponents: 1 })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(readTarArchive(tar(tarEntry('/abs.txt', 'x')), { what: 'repo' })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('stops at the file and byte limits with PayloadTooLargeError', async () => {
    const many = tar(...Array.from({ length: 5 }, (_, i) => tarEntry(`r/f${i}.txt`, 'x')));
    await expect(readTarArchive(many, { what: 'repo', stripComponents: 1, maxFiles: 4 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    const big = tar(tarEntry('r/big.bin', 'y'.repeat(5000)));
    await expect(readTarArchive(big, { what: 'repo', stripComponents: 1, maxBytes: 4096 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    expect(await readTarArchive(big, { what: 'repo', stripComponents: 1, maxBytes: 5000 })).toHaveLength(1);
  });

  it('answers a body that is not an archive with a typed error', async () => {
    await expect(readTarArchive(Buffer.from('<html>not a tarball</html>'), { what: 'repo' })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});

describe('createTreeResponse', () => {
  it('writes below the target only and never through a symbolic link already there', async () => {
    const target = await mkdtemp(path.join(os.tmpdir(), 'tree-target-'));
    const outside = await mkdtemp(path.join(os.tmpdir(), 'tree-outside-'));
    try {
      const content = async () => Buffer.from('x');
      await createTreeResponse([{ path: 'a/b.md', content }]).writeTo(target);
      expect(await readdir(path.join(target, 'a'))).toEqual(['b.md']);
      await symlink(outside, path.join(target, 'linked'));
      await expect(createTreeResponse([{ path: 'linked/evil.md', content }]).writeTo(target)).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(await readdir(outside)).toEqual([]);
      expect(() => createTreeResponse([{ path: '../evil.md', content }])).toThrow(/unsafe path/);
    } finally {
      await rm(target, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
