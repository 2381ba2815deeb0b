import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeAll, tempDir } from '../test-utils.js';
import { createPageWriter } from './page-writer.js';

describe('createPageWriter', () => {
  const dirs: string[] = [];
  afterAll(() => removeAll(dirs));

  for (const background of [false, true]) {
    it(`writes pages into their folders and removes the cache first (background: ${background})`, async () => {
      const output = await tempDir();
      dirs.push(output);
      const cacheFile = path.join(output, '.techdocs-cache.json');
      await writeFile(cacheFile, '{}');
      const writer = createPageWriter({ output, holdBack: false, cacheFile, background });
      writer.add('index.html', '<p>home</p>');
      writer.add('a/b/index.html', '<p>b</p>');
      writer.add('a/c/index.html', '<p>c</p>');
      expect(existsSync(cacheFile)).toBe(false);
      await writer.flush();
      expect(await readFile(path.join(output, 'a/b/index.html'), 'utf8')).toBe('<p>b</p>');
      expect(await readFile(path.join(output, 'a/c/index.html'), 'utf8')).toBe('<p>c</p>');
      expect(await readFile(path.join(output, 'index.html'), 'utf8')).toBe('<p>home</p>');
    });

    it(`writes pages given as parts over shared texts (background: ${background})`, async () => {
      const output = await tempDir();
      dirs.push(output);
      const shared = new Map([['nav', '<ul><li>a</li><li>b</li></ul>']]);
      const writer = createPageWriter({ output, holdBack: false, cacheFile: path.join(output, 'c.json'), background, shared });
      // More pages than one batch, so several messages carry them.
      for (let i = 0; i < 40; i++) {
        writer.add(`p${i}/index.html`, [`<p>${i}</p>`, { key: 'nav', start: 0, end: 8 }, '<b>', { key: 'nav', start: 8, end: 30 }]);
      }
      await writer.flush();
      expect(await readFile(path.join(output, 'p0/index.html'), 'utf8')).toBe('<p>0</p><ul><li><b>a</li><li>b</li></ul>');
      expect(await readFile(path.join(output, 'p39/index.html'), 'utf8')).toBe('<p>39</p><ul><li><b>a</li><li>b</li></ul>');
    });

    it(`writes parts over shared texts with characters beyond ASCII (background: ${background})`, async () => {
      const output = await tempDir();
      dirs.push(output);
      const nav = '<ul><li>Café ☕</li><li>𝒳 naïve</li><li>z</li></ul>';
      const shared = new Map([['nav', nav], ['ascii', '<nav>plain</nav>']]);
      const writer = createPageWriter({ output, holdBack: false, cacheFile: path.join(output, 'c.json'), background, shared });
      const cut = nav.indexOf('</li>') + 5;
      writer.add('u/index.html', ['é', { key: 'nav', start: 0, end: cut }, '<b>ü</b>', { key: 'nav', start: cut, end: nav.length }, { key: 'ascii', start: 5, end: 10 }]);
      await writer.flush();
      expect(await readFile(path.join(output, 'u/index.html'), 'utf8')).toBe(`é${nav.slice(0, cut)}<b>ü</b>${nav.slice(cut)}plain`);
    });

    it(`reports a page that cannot be written (background: ${background})`, async () => {
      const output = await tempDir();
      dirs.push(output);
      // A file where the page's folder should be.
      await mkdir(output, { recursive: true });
      await writeFile(path.join(output, 'a'), 'not a folder');
      const writer = createPageWriter({ output, holdBack: false, cacheFile: path.join(output, 'cache.json'), background });
      const write = async () => {
        writer.add('a/index.html', '<p>a</p>');
        await writer.flush();
      };
      await expect(write()).rejects.toThrow(/ENOTDIR|EEXIST/);
    });
  }

  it('holds pages back until flush', async () => {
    const output = await tempDir();
    dirs.push(output);
    const writer = createPageWriter({ output, holdBack: true, cacheFile: path.join(output, 'cache.json'), background: true });
    writer.add('x/index.html', 'x');
    expect(existsSync(path.join(output, 'x/index.html'))).toBe(false);
    await writer.flush();
    expect(await readFile(path.join(output, 'x/index.html'), 'utf8')).toBe('x');
  });

  it('refuses a page outside the output folder', async () => {
    const output = await tempDir();
    dirs.push(output);
    const writer = createPageWriter({ output, holdBack: false, cacheFile: path.join(output, 'c.json'), background: true });
    expect(() => writer.add('../escape.html', 'x')).toThrow();
    await writer.flush();
  });
});
