import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZipArchive } from './zip-archive.js';

interface Entry {
  name: string;
  content?: string | Buffer;
  /** Unix mode stored in the external attributes (e.g. 0o120777 for a symlink). */
  mode?: number;
  /** Claim this uncompressed size in the headers instead of the real one. */
  declaredSize?: number;
}

/** A minimal zip writer (deflate, Unix "made by"), enough to build hostile archives. */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content ?? '');
    const compressed = deflateRawSync(data);
    const name = Buffer.from(entry.name);
    const size = entry.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const what = 'test.zip';

describe('readZipArchive', () => {
  it('reads files, strips the top directory, keeps a subpath and applies the filter', async () => {
    const archive = zip([{ name: 'docs/', mode: 0o040755 }, { name: 'docs/index.md', content: '# A' }, { name: 'docs/guide/b.md', content: 'b' }, { name: 'docs/x.txt', content: 'x' }]);
    const files = await readZipArchive(archive, { what, stripComponents: 1, filter: (p) => p.endsWith('.md') });
    expect(files.map((f) => f.path).sort()).toEqual(['guide/b.md', 'index.md']);
    expect((await files.find((f) => f.path === 'index.md')!.content()).toString()).toBe('# A');
    const sub = await readZipArchive(archive, { what, stripComponents: 1, subpath: 'guide' });
    expect(sub.map((f) => f.path)).toEqual(['b.md']);
  });

  it('reads from a stream too', async () => {
    const archive = zip([{ name: 'a.md', content: 'a' }]);
    const stream = new Blob([new Uint8Array(archive)]).stream();
    expect((await readZipArchive(stream, { what })).map((f) => f.path)).toEqual(['a.md']);
  });

  it.each([
    ['a .. entry', '../evil.sh'],
    ['a nested .. entry', 'docs/../../evil.sh'],
    ['an absolute entry', '/etc/cron.d/evil'],
    ['a backslash .. entry', '..\\evil.sh'],
    ['a drive letter', 'C:/evil.sh'],
  ])('refuses %s', async (_name, name) => {
    await expect(readZipArchive(zip([{ name: 'ok.md', content: 'ok' }, { name, content: 'x' }]), { what })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('refuses symbolic links and other special entries (Unix mode in the external attributes)', async () => {
    await expect(readZipArchive(zip([{ name: 'link', content: '/etc/passwd', mode: 0o120777 }]), { what })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('symbolic link'),
    });
    await expect(readZipArchive(zip([{ name: 'fifo', mode: 0o010644 }]), { what })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('refuses too many files and too many declared bytes before inflating anything', async () => {
    const many = zip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    await expect(readZipArchive(many, { what, maxFiles: 4 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    const big = zip([{ name: 'big', content: Buffer.alloc(10_000) }]);
    await expect(readZipArchive(big, { what, maxBytes: 5_000 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
  });

  it('a header that understates the size cannot get past the limit (zip bomb)', async () => {
    const bomb = zip([{ name: 'bomb', content: Buffer.alloc(2_000_000), declaredSize: 10 }]);
    expect(bomb.length).toBeLessThan(10_000);
    await expect(readZipArchive(bomb, { what, maxBytes: 100_000 })).rejects.toMatchObject({ name: expect.stringMatching(/PayloadTooLargeError|NotAllowedError/) });
  });

  it('refuses a download larger than the limit while streaming, and garbage', async () => {
    const stream = new Blob([new Uint8Array(50_000)]).stream();
    await expect(readZipArchive(stream, { what, maxBytes: 10_000 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(readZipArchive(Buffer.from('not a zip'), { what })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
