import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAllowedError } from '../errors.js';
import { createUrlReader } from './compose.js';
import type { UrlReader } from './types.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pk-compose-'));
  await writeFile(join(root, 'a.txt'), 'file a');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createUrlReader', () => {
  const custom: UrlReader = {
    canRead: (url) => url.startsWith('mem:'),
    read: async (url) => ({ buffer: Buffer.from(`memory ${url}`), etag: 'm' }),
    readTree: async () => ({ files: [], etag: 't', writeTo: async () => {} }),
  };

  it('routes each URL to the first reader that can read it', async () => {
    const reader = createUrlReader({ file: { root }, http: { allow: [{ host: 'example.com' }] }, readers: [custom] });
    expect((await reader.read('mem:x')).buffer.toString()).toBe('memory mem:x');
    expect((await reader.read('file:a.txt')).buffer.toString()).toBe('file a');
    expect(reader.canRead('https://example.com/x')).toBe(true);
    expect(reader.canRead('https://evil.com/x')).toBe(false);
    expect((await reader.readTree('mem:tree')).etag).toBe('t');
  });

  it('rejects URLs no reader accepts, naming them', async () => {
    const reader = createUrlReader({ file: { root } });
    await expect(reader.read('https://evil.com/x')).rejects.toBeInstanceOf(NotAllowedError);
    await expect(reader.read('https://evil.com/x')).rejects.toThrow('https://evil.com/x');
    await expect(createUrlReader().read('file:a.txt')).rejects.toBeInstanceOf(NotAllowedError);
  });
});
