import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { all, attr, parseHtml, text } from '../test-utils.js';
import { buildDocs } from './build.js';
import { mkdocsYamlSchema, parseMkdocsConfig } from './config.js';
import { PythonTagged } from './python-tag.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Build a one-page site with `markdown_extensions` written as given; the page's ids, TOC and warnings. */
async function build(markdown: string, extensions: string, options: { markdownParser?: 'remark' } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), 'pk-toc-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'site', 'docs'), { recursive: true });
  writeFileSync(path.join(root, 'site', 'mkdocs.yml'), `site_name: Toc\nmarkdown_extensions:\n${extensions}`);
  writeFileSync(path.join(root, 'site', 'docs', 'index.md'), markdown);
  const result = await buildDocs({ source: path.join(root, 'site'), output: path.join(root, 'out'), ...options });
  const tree = parseHtml(readFileSync(path.join(root, 'out', 'index.html'), 'utf8'));
  const headings = all(tree, 'article h1[id], article h2[id], article h3[id], article h4[id], article h5[id], article h6[id]');
  return {
    ids: headings.map((h) => `${h.tagName}#${attr(h, 'id')}`),
    permalinks: all(tree, 'article a.headerlink').map((a) => [attr(a, 'href'), attr(a, 'title') ?? null, text(a)]),
    toc: all(tree, 'aside.page-toc li a').map((a) => [attr(a, 'href'), text(a)]),
    tocTitle: text(all(tree, 'aside.page-toc h2')[0] ?? { type: 'root', children: [] }),
    warnings: result.warnings,
  };
}

const site = (extensions: string) => parseMkdocsConfig(`site_name: T\nmarkdown_extensions:\n${extensions}`, { root: '/srv/site' });

describe('toc options', () => {
  it("numbers repeated headings _1, _2 and counts ids already on the page, as Python-Markdown's unique() does", async () => {
    const page = '# Intro\n\n## Intro\n\n## Intro_1\n\n## Intro\n\n## Explicit {#setup}\n\n## Setup\n\n## !!!\n\n## ???\n';
    const { ids } = await build(page, '  - attr_list\n');
    // Python-Markdown 3.4.1 through mkdocs 1.4.2 gives these ids for the same page.
    expect(ids).toEqual(['h1#intro', 'h2#intro_1', 'h2#intro_2', 'h2#intro_3', 'h2#setup', 'h2#setup_1', 'h2#_1', 'h2#_2']);
  });

  it('slugs character references and smart symbols as Python-Markdown does (before they are replaced)', async () => {
    const page = '## Caf&eacute; (c) 1/2\n\n## Fish &amp; Chips\n\n## Caf&eacute; (c) 1/2\n\n## Café © ½\n';
    const { ids } = await build(page, '  - pymdownx.smartsymbols\n');
    // mkdocs 1.4.2: entities are stashed HTML, dropped from slugs; smartsymbols runs after toc.
    expect(ids).toEqual(['h2#caf-c-12', 'h2#fish-chips', 'h2#caf-c-12_1', 'h2#cafe-12']);
  });

  it('reads slugify as mkdocs.yml writes it, with its separator', async () => {
    const page = '# Ünï Côde\n\n## Straße and ΣΑΣ\n';
    const slugs = async (slugify: string, separator = '') => (await build(page, `  - toc:\n      slugify: ${slugify}\n${separator}`)).ids;
    expect(await slugs('!!python/name:pymdownx.slugs.uslugify')).toEqual(['h1#ünï-côde', 'h2#straße-and-σας']);
    expect(await slugs('!!python/name:pymdownx.slugs.uslugify_encoded')).toEqual([
      'h1#%C3%BCn%C3%AF-c%C3%B4de',
      'h2#stra%C3%9Fe-and-%CF%83%CE%B1%CF%82',
    ]);
    expect(await slugs('!!python/name:pymdownx.slugs.gfm')).toEqual(['h1#Ünï-côde', 'h2#straße-and-ΣΑΣ']);
    expect(await slugs('!!python/name:pymdownx.slugs.gfm_encoded')).toEqual([
      'h1#%C3%9Cn%C3%AF-c%C3%B4de',
      'h2#stra%C3%9Fe-and-%CE%A3%CE%91%CE%A3',
    ]);
    expect(await slugs('!!python/name:markdown.extensions.toc.slugify_unicode', '      separator: _\n')).toEqual([
      'h1#ünï_côde',
      'h2#straße_and_σας',
    ]);
    expect(await slugs('!!python/name:markdown.extensions.toc.slugify')).toEqual(['h1#uni-code', 'h2#strae-and']);
    const kwds = '!!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: fold\n          normalize: NFKD\n          percent_encode: false\n';
    expect(await slugs(kwds)).toEqual(['h1#uni-code', 'h2#strasse-and-σασ']);
    expect(await slugs('!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}')).toEqual(['h1#ünï-côde', 'h2#straße-and-σας']);
  });

  it('warns about a slugify it does not know, naming mkdocs.yml and its line, and keeps the default', async () => {
    const { ids, warnings } = await build('# Ünï Côde\n', '  - admonition\n  - toc:\n      permalink: true\n      slugify: !!python/name:my_module.slug\n');
    expect(ids).toEqual(['h1#uni-code']);
    expect(warnings).toEqual([
      {
        file: 'mkdocs.yml',
        line: 6,
        message:
          "markdown_extensions: toc: slugify: !!python/name:my_module.slug is not one of the slug functions supported; headings get Python-Markdown's default slugify ids",
      },
    ]);
    const bad = (value: string) => site(`  - toc:\n      slugify: ${value}\n`).warnings.map((w) => w.message);
    expect(bad('pymdownx.slugs.uslugify')[0]).toMatch(/is not a Python function/);
    expect(bad('!!python/object/apply:pymdownx.slugs.slugify {kwds: {normalize: NFX}}')[0]).toMatch(/normalize "NFX"/);
    expect(bad('!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: upper}}')[0]).toMatch(/case "upper"/);
    expect(bad('!!python/object/apply:pymdownx.slugs.slugify [1]')[0]).toMatch(/keyword arguments only/);
    expect(bad('!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}')).toEqual([]);
    expect(site('  - toc:\n      separator: "^"\n').warnings[0]?.message).toMatch(/separator: "\^" is not supported/);
    expect(site('  - toc:\n      toc_depth: "2-x"\n').warnings[0]?.message).toMatch(/toc_depth: "2-x" is neither/);
    expect(site('  - toc:\n      baselevel: 0\n').warnings[0]?.message).toMatch(/baselevel: 0 is not a level/);
  });

  it('warns, without throwing, about options an author made odd: values that contain themselves, Object keys as names', () => {
    const warning = (option: string) => site(`  - toc:\n      ${option}\n`).warnings.map((w) => w.message);
    expect(warning('toc_depth: &a [*a]')).toEqual(['markdown_extensions: toc: toc_depth: a list is neither a level (3) nor a range ("2-4"); every level is listed']);
    expect(warning('separator: &a {x: *a}')[0]).toMatch(/separator: a mapping is not supported/);
    expect(warning('slugify: &a [*a]')[0]).toMatch(/slugify: a list is not a Python function/);
    expect(warning('baselevel: &a [*a]')[0]).toMatch(/baselevel: a list is not a level/);
    expect(warning('permalink_title: &a [*a]')[0]).toMatch(/permalink_title: a list is not a string/);
    expect(warning('slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: &a [*a]}}')[0]).toMatch(/case a list is not/);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(warning(`slugify: !!python/name:pymdownx.slugs.${name}`)[0]).toMatch(/is not one of the slug functions supported/);
      expect(site(`  - toc:\n      slugify: !!python/name:pymdownx.slugs.${name}\n`).features.toc?.slugify).toBeUndefined();
    }
  });

  it('lists the levels of toc_depth in the page TOC, as an int or a range; every heading keeps its id and permalink', async () => {
    const page = '# Title\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n';
    const range = await build(page, '  - toc:\n      permalink: true\n      toc_depth: "2-4"\n');
    expect(range.toc).toEqual([['#two', 'Two'], ['#three', 'Three'], ['#four', 'Four']]);
    expect(range.permalinks.map(([href]) => href)).toEqual(['#title', '#two', '#three', '#four', '#five']);
    const int = await build(page, '  - toc:\n      toc_depth: 3\n');
    // The h1 is the page's title: the TOC shows what is under it, as mkdocs-material does.
    expect(int.toc).toEqual([['#two', 'Two'], ['#three', 'Three']]);
    const all = await build(page, '  - toc\n');
    expect(all.toc.map(([href]) => href)).toEqual(['#two', '#three', '#four', '#five']);
    expect(all.permalinks).toEqual([]);
    const noTitle = await build('## A\n\n# B\n\n## C\n', '  - toc:\n      toc_depth: 2\n');
    expect(noTitle.toc.map(([href]) => href)).toEqual(['#a', '#b', '#c']);
  });

  it('lists in the TOC what is under the page h1 up to the next h1, and takes ids written in raw HTML first', async () => {
    const { ids, toc } = await build('# A\n\n## B\n\n### B2\n\n# C\n\n## D\n\n<h2 id="e">Raw</h2>\n\n## E\n', '  - toc\n');
    expect(toc.map(([href]) => href)).toEqual(['#b', '#b2']);
    expect(ids).toEqual(['h1#a', 'h2#b', 'h3#b2', 'h1#c', 'h2#d', 'h2#e', 'h2#e_1']);
  });

  it('slugs the shown text of character references with remark-parse (the markdown-it parser slugs as Python does)', async () => {
    const page = '## Caf&eacute; (c)\n';
    expect((await build(page, '  - pymdownx.smartsymbols\n')).ids).toEqual(['h2#caf-c']);
    expect((await build(page, '  - pymdownx.smartsymbols\n', { markdownParser: 'remark' })).ids).toEqual(['h2#cafe-c']);
  });

  it('moves headings down by baselevel, and sets the permalink title and symbol and the TOC title', async () => {
    const page = '# Title\n\n## Two\n\n##### Five\n\n###### Six\n';
    const { ids, permalinks, toc, tocTitle } = await build(
      page,
      '  - toc:\n      baselevel: 2\n      permalink: "#"\n      permalink_title: Link here\n      title: Contents\n      toc_depth: "3-6"\n',
    );
    expect(ids).toEqual(['h2#title', 'h3#two', 'h6#five', 'h6#six']);
    expect(permalinks[0]).toEqual(['#title', 'Link here', '#']);
    expect(toc.map(([href]) => href)).toEqual(['#two', '#five', '#six']);
    expect(tocTitle).toBe('Contents');
    const untitled = await build('# A\n', '  - toc:\n      permalink: yes\n      permalink_title: ""\n');
    expect(untitled.permalinks).toEqual([['#a', null, '¶']]);
  });

  it("reads permalink as Python-Markdown's parseBoolValue does, and techdocs-core's default as updated by the user", () => {
    const permalink = (value: string, plugins = '') => parseMkdocsConfig(`site_name: T\n${plugins}markdown_extensions:\n  - toc:\n      permalink: ${value}\n`, { root: '/s' }).features.permalink;
    expect(permalink('true')).toBe('¶');
    expect(permalink('"on"')).toBe('¶');
    expect(permalink('"Off"')).toBe(false);
    expect(permalink('0')).toBe(false);
    expect(permalink('"#"')).toBe('#');
    expect(permalink('""')).toBe('');
    expect(permalink('false', 'plugins:\n  - techdocs-core\n')).toBe(false);
    expect(parseMkdocsConfig('site_name: T\nplugins:\n  - techdocs-core\n', { root: '/s' }).features.permalink).toBe('¶');
    expect(parseMkdocsConfig('site_name: T\nplugins:\n  - techdocs-core\nmarkdown_extensions:\n  - toc:\n      toc_depth: 3\n', { root: '/s' }).features).toMatchObject({
      permalink: '¶',
      toc: { depth: [1, 3] },
    });
  });

  it('reads plain-value Python tags (!!python/str, !!python/list) as their value', () => {
    const config = parseMkdocsConfig('site_name: !!python/str Docs\nmarkdown_extensions: !!python/list\n  - !!python/unicode toc\n', { root: '/s' }).config;
    expect(config.site_name).toBe('Docs');
    expect(config.markdown_extensions).toEqual(['toc']);
  });

  it('keeps Python tags when a config is written back', () => {
    const text = 'a: !!python/name:pymdownx.slugs.uslugify\nb: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\nc: !!python/name:x.y ""\n';
    const value = load(text, { schema: mkdocsYamlSchema }) as Record<string, PythonTagged>;
    expect(value.a).toEqual(new PythonTagged('name:pymdownx.slugs.uslugify', null));
    expect(value.b).toEqual(new PythonTagged('object/apply:pymdownx.slugs.slugify', { kwds: { case: 'lower' } }));
    const again = load(dump(value, { schema: mkdocsYamlSchema }), { schema: mkdocsYamlSchema }) as Record<string, PythonTagged>;
    // A `!!python/name:` has no value; it is written back as '' (what PyYAML reads too).
    expect(again).toEqual({ ...value, a: new PythonTagged('name:pymdownx.slugs.uslugify', '') });
  });

  it('fails alone, typed, a page whose heading times a long separator outgrows a string', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pk-toc-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'site', 'docs'), { recursive: true });
    writeFileSync(path.join(root, 'site', 'mkdocs.yml'), `site_name: Toc\nmarkdown_extensions:\n  - toc:\n      separator: ${'x'.repeat(100_000)}\n`);
    writeFileSync(path.join(root, 'site', 'docs', 'index.md'), '# Fine page\n');
    writeFileSync(path.join(root, 'site', 'docs', 'huge.md'), `# ${'a '.repeat(100_000)}\n`);
    const result = await buildDocs({ source: path.join(root, 'site'), output: path.join(root, 'out') });
    expect(result.rendered).toEqual(['index.md']);
    expect(result.failed.map((f) => [f.file, f.error.message])).toEqual([['huge.md', 'huge.md: the page makes a text longer than a string can hold']]);
  });

  it('gives ids to thousands of equal headings and to a huge heading', async () => {
    const page = `${'## FAQ\n\n'.repeat(5000)}## ${'Long words '.repeat(20_000)}\n`;
    const { ids, toc } = await build(page, '  - toc:\n      permalink: true\n');
    expect(ids).toHaveLength(5001);
    expect(ids[4999]).toBe('h2#faq_4999');
    expect(ids[5000]?.length).toBeGreaterThan(200_000);
    expect(toc).toHaveLength(5001);
  });
});
