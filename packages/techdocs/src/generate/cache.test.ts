import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CACHE_VERSION, parseCache, serializeCache, type BuildCache } from './cache.js';

const stat = { size: 10, mtimeMs: 1000.5, ctimeMs: 1000.5, checkedAt: 5000 };

function cache(pages: BuildCache['pages']): BuildCache {
  return {
    version: CACHE_VERSION,
    layoutHash: 'abc',
    pages,
    assets: { 'img/a.png': { ...stat, hash: 'h' } },
    outputs: ['index.html', 'search/search_index.json'],
    searchKey: 'k',
  };
}

const docs = (text: string) => JSON.stringify([{ location: '', title: 'T', text }]).slice(1, -1);

describe('the cache file', () => {
  it('reads back what it wrote, for any source names and search texts', () => {
    const name = fc.string({ unit: fc.constantFrom('a', '/', '\t', '\n', '"', '\\', 'é', '𝒳', ' ', '.md'), maxLength: 12 });
    const text = fc.string({ unit: fc.constantFrom('x', '\t', '\n', '"', '\\', '\u2028', '</script>', ' '), maxLength: 20 });
    fc.assert(
      fc.property(fc.dictionary(name, text, { maxKeys: 6 }), (entries) => {
        const pages: BuildCache['pages'] = {};
        for (const [src, body] of Object.entries(entries)) {
          pages[src] = { ...stat, hash: `h-${src}`, output: `${src}/index.html`, docs: docs(body), warnings: [{ file: src, line: 2, message: body }] };
        }
        const value = cache(pages);
        expect(parseCache(serializeCache(value))).toEqual(value);
      }),
    );
  });

  it('keeps the search entries out of the JSON line', () => {
    const text = serializeCache(cache({ 'a.md': { ...stat, hash: 'h', output: 'a/index.html', docs: docs('"quoted"'), warnings: [] } }));
    const [header, line] = text.split('\n');
    expect(JSON.parse(header!).pages['a.md']).not.toHaveProperty('docs');
    expect(line).toBe(`"a.md"\t${docs('"quoted"')}`);
  });

  it('counts anything else as no cache', () => {
    const good = serializeCache(cache({ 'a.md': { ...stat, hash: 'h', output: 'a/index.html', docs: docs('x'), warnings: [] } }));
    expect(parseCache(good)).toBeDefined();
    for (const bad of [
      good.split('\n')[0]!, // a page without its line
      `${good}\n"b.md"\t[]`, // a line without its page
      `${good}\n`,
      good.replace('\t', ' '),
      good.replace(`"version":${CACHE_VERSION}`, '"version":4'),
      '{not json',
      '',
      `${good}\n"a.md"\t${docs('twice')}`,
    ]) {
      expect(parseCache(bad)).toBeUndefined();
    }
  });
});
