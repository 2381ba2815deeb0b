import { describe, expect, it } from 'vitest';
import { createLayout, escapeHtml } from './layout.js';
import type { NavNode } from './nav.js';
import { pageLocation, relativeUrl, type PageInfo } from './pages.js';

const sources = [
  'index.md',
  'about.md',
  'guide/index.md',
  'guide/install.md',
  'guide/deep/more.md',
  'guide/deep/index.md',
  'ref/a b & c.md',
  'ref/ünïcode.md',
  'guidebook.md',
  // Several pages per folder and depth: the nav rendered once for a folder is reused for them.
  'guide/zeta.md',
  'guide/deep/other.md',
  'guide/deep/inner/index.md',
  'ref/x/y/z.md',
  'ref/x/y/w.md',
  'refx/y.md',
];

function site(useDirectoryUrls: boolean): { pages: Map<string, PageInfo>; nav: NavNode[] } {
  const pages = new Map<string, PageInfo>();
  for (const src of sources) {
    const isIndex = src.endsWith('index.md');
    pages.set(src, { src, ...pageLocation(src, { useDirectoryUrls, isIndex }), title: `T ${src}` });
  }
  const nav: NavNode[] = [
    { type: 'page', title: 'Home', src: 'index.md' },
    { type: 'link', title: 'Ext <x>', href: 'https://example.com/?a=1&b=2' },
    {
      type: 'section',
      title: 'All & more',
      children: sources.slice(1).map((src) => ({ type: 'page' as const, title: `T ${src}`, src })),
    },
  ];
  return { pages, nav };
}

describe('createLayout', () => {
  it('heads a page without an <h1> with its title, as mkdocs-material does', () => {
    const { pages, nav } = site(true);
    const render = createLayout({ siteName: 'S', nav, pages });
    const page = pages.get('ref/a b & c.md')!;
    const article = (content: string) => /<article[^>]*>(.*?)<\/article>/s.exec(render({ page, content, toc: [] }))?.[1] ?? '';
    expect(article('<p>x</p>')).toBe('\n<h1>T ref/a b &amp; c.md</h1>\n<p>x</p>\n');
    expect(article('<h1 id="own">Own</h1><p>x</p>')).toBe('\n<h1 id="own">Own</h1><p>x</p>\n');
    // Code that shows an h1 is escaped text, not an h1: the page still gets its title.
    expect(article('<pre><code>&lt;h1&gt;</code></pre>')).toContain('<h1>T ref/a b &amp; c.md</h1>');
  });

  for (const useDirectoryUrls of [true, false]) {
    it(`links every nav page relative to the current page (use_directory_urls: ${useDirectoryUrls})`, () => {
      const { pages, nav } = site(useDirectoryUrls);
      const render = createLayout({ siteName: 'S', nav, pages });
      for (const page of pages.values()) {
        const html = render({ page, content: '<p>x</p>', toc: [] });
        const navHtml = /<nav class="site-nav"[^>]*>(.*?)<\/nav>/s.exec(html)?.[1] ?? '';
        const hrefs = [...navHtml.matchAll(/<a href="([^"]*)"([^>]*)>/g)].map((m) => [m[1], m[2]]);
        const expected = [
          [escapeHtml(encodeURI(relativeUrl(page.url, pages.get('index.md')!.url))), ''],
          [escapeHtml('https://example.com/?a=1&b=2'), ''],
          ...sources.slice(1).map((src) => [escapeHtml(encodeURI(relativeUrl(page.url, pages.get(src)!.url))), '']),
        ];
        const current = sources.indexOf(page.src);
        const currentIndex = current === 0 ? 0 : current + 1;
        expected[currentIndex]![1] = ' aria-current="page" class="active"';
        expect(hrefs).toEqual(expected);
      }
    });
  }

  it('escapes site and page text and shows the description, repo link, toc and pager', () => {
    const { pages, nav } = site(true);
    const render = createLayout({
      siteName: 'A & B',
      siteDescription: 'Say "hi"',
      repoUrl: 'https://git.example.com/r',
      repoName: 'r<epo>',
      nav,
      pages,
    });
    const page = pages.get('guide/install.md')!;
    const html = render({
      page,
      content: '<h2 id="x">X</h2>',
      toc: [{ depth: 2, id: 'x', title: 'X <y>' }],
      prev: pages.get('guide/index.md'),
      next: pages.get('guide/deep/more.md'),
      editUrl: 'https://git.example.com/r/edit/guide/install.md',
    });
    expect(html).toContain('<title>T guide/install.md - A &amp; B</title>');
    expect(html).toContain('<meta name="description" content="Say &quot;hi&quot;">');
    expect(html).toContain('<a class="site-name" href="../../">A &amp; B</a><a class="repo-link" href="https://git.example.com/r">r&lt;epo&gt;</a>');
    expect(html).toContain('<li class="toc-depth-2"><a href="#x">X &lt;y&gt;</a></li>');
    expect(html).toContain('<a rel="prev" href="../">&larr; T guide/index.md</a>');
    expect(html).toContain('<a rel="next" href="../deep/more/">T guide/deep/more.md &rarr;</a>');
    expect(html).toContain('<a class="edit-link" href="https://git.example.com/r/edit/guide/install.md">Edit this page</a>');
  });
});
