import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageLocation, readPageSource, relativeUrl, titleFromPath, upAndInto, withoutScheme } from './pages.js';

describe('pages', () => {
  it('maps sources to directory URLs and files', () => {
    expect(pageLocation('index.md', { useDirectoryUrls: true, isIndex: true })).toEqual({ url: '', output: 'index.html' });
    expect(pageLocation('a/b.md', { useDirectoryUrls: true, isIndex: false })).toEqual({ url: 'a/b/', output: 'a/b/index.html' });
    expect(pageLocation('a/b.md', { useDirectoryUrls: false, isIndex: false })).toEqual({ url: 'a/b.html', output: 'a/b.html' });
    expect(pageLocation('a/README.md', { useDirectoryUrls: false, isIndex: true })).toEqual({ url: 'a/index.html', output: 'a/index.html' });
  });

  it('computes relative URLs between pages', () => {
    expect(relativeUrl('', '')).toBe('./');
    expect(relativeUrl('', 'a/b/')).toBe('a/b/');
    expect(relativeUrl('a/b/', '')).toBe('../../');
    expect(relativeUrl('a/b/', 'a/c/')).toBe('../c/');
    expect(relativeUrl('a/b/', 'a/b/')).toBe('./');
    expect(relativeUrl('a/b/', 'img/x.png')).toBe('../../img/x.png');
    expect(relativeUrl('a/b.html', 'a/c.html')).toBe('c.html');
    expect(relativeUrl('a/b.html', 'index.html')).toBe('../index.html');
  });

  it('computes relative URLs as path.posix.relative does, for plain and odd paths', () => {
    // The definition relativeUrl had before it stopped resolving through path.posix.
    const reference = (fromUrl: string, to: string) => {
      const fromDir = fromUrl === '' || fromUrl.endsWith('/') ? fromUrl : path.posix.dirname(fromUrl) + '/';
      const base = fromDir.replace(/^\.\//, '').replace(/\/$/, '') || '.';
      let rel = path.posix.relative(base === '.' ? '' : base, to.replace(/\/$/, '') || '.');
      if (rel === '' || rel === '.') return './';
      if (to.endsWith('/') || to === '') rel += '/';
      return rel;
    };
    const segment = fc.constantFrom('a', 'b', 'c', 'index.html', 'x.png', '.', '..', '', 'a b', 'é', 'x:y');
    const url = fc.tuple(fc.array(segment, { maxLength: 4 }), fc.boolean()).map(([parts, slash]) => parts.join('/') + (slash ? '/' : ''));
    fc.assert(fc.property(url, url, (from, to) => relativeUrl(from, to) === withoutScheme(reference(from, to))), { numRuns: 5000 });
  });

  it('never makes a relative URL a browser would read as a scheme', () => {
    expect(relativeUrl('', 'javascript:alert(1)/')).toBe('./javascript:alert(1)/');
    expect(relativeUrl('a.html', 'javascript:alert(1).html')).toBe('./javascript:alert(1).html');
    expect(relativeUrl('a/', 'javascript:x')).toBe('../javascript:x');
    expect(relativeUrl('', 'a/b:c')).toBe('a/b:c');
    expect(upAndInto(0, 'data:text')).toBe('./data:text');
    expect(withoutScheme(':x')).toBe('./:x');
    const segment = fc.constantFrom('a', 'javascript:alert(1)', 'vbscript:x', '..', '.', '', 'b:c');
    const url = fc.tuple(fc.array(segment, { maxLength: 4 }), fc.boolean()).map(([parts, slash]) => parts.join('/') + (slash ? '/' : ''));
    fc.assert(
      fc.property(url, url, (from, to) => new URL(relativeUrl(from, to), 'https://h/p/').protocol === 'https:'),
      { numRuns: 2000 },
    );
  });

  it('titles pages like MkDocs', () => {
    expect(titleFromPath('getting-started.md')).toBe('Getting started');
    expect(titleFromPath('index.md')).toBe('Home');
    expect(titleFromPath('my_area/README.md')).toBe('My area');
    expect(titleFromPath('API-Guide.md')).toBe('API Guide');
  });

  it('reads front matter and the first heading without a full parse', () => {
    const fm = readPageSource('---\ntitle: From Meta\ntags: [a]\n---\n# Heading\n');
    expect(fm.title).toBe('From Meta');
    expect(fm.meta.tags).toEqual(['a']);
    expect(fm.body.split('\n').length).toBe(6);
    expect(fm.body).not.toContain('title:');
    expect(readPageSource('```\n# not a title\n```\n\n## Sub\n# Real *Title* #\n').title).toBe('Real Title');
    expect(readPageSource('Setext\n===\n').title).toBe('Setext');
    expect(readPageSource('no title\n').title).toBeUndefined();
  });
});
