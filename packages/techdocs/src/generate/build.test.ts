import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import type { BuildResult, SearchIndex, TechDocsMetadata } from '../types.js';
import { all, attr, copyFixture, fixturesDir, one, readHtml, removeAll, tempDir, text } from '../test-utils.js';
import { buildDocs, createDocsBuilder } from './build.js';
import { generateBenchSite } from '../../../../test/support/techdocs-pages.js';

const execFileAsync = promisify(execFile);
const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

async function build(source: string, extra: Partial<Parameters<typeof buildDocs>[0]> = {}) {
  const output = await tempDir();
  cleanup.push(output);
  const result = await buildDocs({ source, output, ...extra });
  return { output, result };
}

describe('buildDocs on the fixture site', () => {
  let output: string;
  let result: BuildResult;
  beforeAll(async () => {
    ({ output, result } = await build(path.join(fixturesDir, 'site')));
  });

  it('renders every page to a directory URL and reports no warnings', async () => {
    expect(result.warnings).toEqual([]);
    expect(result.rendered.sort()).toEqual([
      'guide/advanced/tuning.md',
      'guide/configuration.md',
      'guide/getting-started.md',
      'index.md',
      'orphan.md',
      'reference.md',
    ]);
    for (const file of ['index.html', 'guide/getting-started/index.html', 'orphan/index.html', 'images/logo.png']) {
      expect((await stat(path.join(output, file))).isFile()).toBe(true);
    }
  });

  it('renders the nested nav with the current page marked', async () => {
    const tree = await readHtml(path.join(output, 'guide/getting-started/index.html'));
    const nav = one(tree, 'nav.site-nav');
    const top = all(nav, 'nav.site-nav > ul > li');
    expect(top.map((li) => text(all(li, ':scope > a, :scope > span')[0]!))).toEqual([
      'Home',
      'Guide',
      'Reference',
      'Backstage',
    ]);
    const guide = top[1]!;
    expect(all(guide, ':scope > ul > li > a').map(text)).toEqual(['Getting started', 'Configuration']);
    expect(text(one(guide, ':scope > ul > li > span'))).toBe('Advanced');
    expect(attr(one(guide, 'ul ul a'), 'href')).toBe('../advanced/tuning/');
    const current = all(nav, 'a[aria-current=page]');
    expect(current.map(text)).toEqual(['Getting started']);
    expect(attr(current[0]!, 'href')).toBe('./');
    expect(attr(one(nav, 'a[href="https://backstage.io"]'), 'href')).toBe('https://backstage.io');
    expect(attr(top[0]!.children.find((c) => c.type === 'element') as never, 'href')).toBe('../../');
  });

  it('rewrites .md links to page URLs and keeps asset paths right', async () => {
    const home = await readHtml(path.join(output, 'index.html'));
    const content = one(home, 'article.md-content');
    const hrefs = all(content, 'p a').map((a) => attr(a, 'href'));
    expect(hrefs).toContain('guide/getting-started/');
    expect(hrefs).toContain('reference/#api');
    expect(attr(one(content, 'img'), 'src')).toBe('images/logo.png');

    const start = await readHtml(path.join(output, 'guide/getting-started/index.html'));
    const body = one(start, 'article.md-content');
    const links = all(body, 'p a').map((a) => attr(a, 'href'));
    expect(links).toContain('../../');
    expect(links).toContain('../configuration/#options');
    expect(attr(one(body, 'img'), 'src')).toBe('../../images/logo.png');

    const tuning = await readHtml(path.join(output, 'guide/advanced/tuning/index.html'));
    expect(all(one(tuning, 'article'), 'p a').map((a) => attr(a, 'href'))).toEqual([
      '../../../reference/',
      '../../getting-started/#install',
    ]);
  });

  it('renders admonitions, details, code, tables, task lists and footnotes', async () => {
    const home = await readHtml(path.join(output, 'index.html'));
    const note = one(home, 'div.admonition.note');
    expect(text(one(note, 'p.admonition-title'))).toBe('Read this first');
    expect(all(note, 'p').length).toBe(3);
    expect(attr(one(note, 'a'), 'href')).toBe('guide/configuration/');
    expect(all(home, 'table th').map(text)).toEqual(['Feature', 'Supported']);
    expect(all(home, 'table tbody tr').length).toBe(2);

    const start = await readHtml(path.join(output, 'guide/getting-started/index.html'));
    const code = one(start, 'pre > code.language-ts');
    expect(all(code, 'span.hljs-keyword').map(text)).toContain('const');
    const [tip, warning] = all(start, 'details');
    expect(attr(tip!, 'className')).toBe('tip');
    expect(text(one(tip!, 'summary'))).toBe('Hidden tip');
    expect(tip!.properties.open).toBeFalsy();
    expect(text(one(warning!, 'summary'))).toBe('Warning');
    expect(warning!.properties.open).toBe(true);
    const tasks = all(start, 'li.task-list-item input[type=checkbox]');
    expect(tasks.map((t) => Boolean(t.properties.checked))).toEqual([true, false]);
    const ref = one(start, 'sup a[data-footnote-ref]');
    const target = attr(ref, 'href')!.slice(1);
    expect(text(one(start, `li[id="${target}"]`))).toContain('The footnote text.');

    const config = await readHtml(path.join(output, 'guide/configuration/index.html'));
    expect(text(one(config, 'div.admonition.warning p.admonition-title'))).toBe('Warning');
  });

  it('adds heading ids, permalinks, a page toc, prev/next and edit links', async () => {
    const tree = await readHtml(path.join(output, 'guide/configuration/index.html'));
    expect(attr(one(tree, 'h2'), 'id')).toBe('options');
    expect(attr(one(tree, 'h2 > a.headerlink'), 'href')).toBe('#options');
    const toc = all(tree, 'aside.page-toc li a');
    expect(toc.map((a) => [attr(a, 'href'), text(a)])).toEqual([
      ['#options', 'Options'],
      ['#nested-option', 'Nested option'],
    ]);
    expect(attr(one(tree, 'a[rel=prev]'), 'href')).toBe('../getting-started/');
    expect(attr(one(tree, 'a[rel=next]'), 'href')).toBe('../advanced/tuning/');
    expect(attr(one(tree, 'a.edit-link'), 'href')).toBe(
      'https://github.com/example/fixture/edit/main/docs/guide/configuration.md',
    );
    expect(text(one(tree, 'title'))).toBe('Configuration - Fixture Docs');
    const home = await readHtml(path.join(output, 'index.html'));
    expect(all(home, 'a[rel=prev]')).toEqual([]);
    expect(attr(one(home, 'a[rel=next]'), 'href')).toBe('guide/getting-started/');
  });

  it('titles pages from the nav, then front matter or heading, then the file name', async () => {
    const start = await readHtml(path.join(output, 'guide/getting-started/index.html'));
    expect(text(one(start, 'title'))).toBe('Getting started - Fixture Docs');
    const orphan = await readHtml(path.join(output, 'orphan/index.html'));
    expect(text(one(orphan, 'title'))).toBe('Orphan - Fixture Docs');
  });

  it('sanitises raw HTML and unsafe URLs by default', async () => {
    const tree = await readHtml(path.join(output, 'reference/index.html'));
    const article = one(tree, 'article');
    expect(all(article, 'script')).toEqual([]);
    const div = all(article, 'div').find((d) => text(d) === 'Click me');
    expect(div).toBeDefined();
    expect(div!.properties.onClick ?? div!.properties.onclick).toBeUndefined();
    const bad = all(article, 'a').find((a) => text(a) === 'bad link');
    expect(attr(bad!, 'href')).toBeUndefined();
  });

  it('writes MkDocs search index entries per page and per section', async () => {
    const index = JSON.parse(await readFile(path.join(output, 'search/search_index.json'), 'utf8')) as SearchIndex;
    expect(index.config.lang).toEqual(['en']);
    expect(index.config.separator).toBe('[\\s\\-]+');
    expect(index.config.pipeline).toEqual(['stopWordFilter']);
    const byLocation = new Map(index.docs.map((d) => [d.location, d]));
    expect(byLocation.get('')?.title).toBe('Home');
    expect(byLocation.get('')?.text).toContain('zebracorn');
    expect(byLocation.get('#features')).toEqual({ location: '#features', title: 'Features', text: 'Feature Supported Tables yes Admonitions yes Unique word: zebracorn.' });
    expect(byLocation.get('guide/configuration/#nested-option')?.text).toBe('Deeply nested. Warning No title given, so the type is the title.');
    expect(byLocation.get('reference/#api')?.text).toContain('doThing()');
    expect(index.docs.map((d) => d.location).filter((l) => !l.includes('#'))).toEqual([
      '',
      'guide/getting-started/',
      'guide/configuration/',
      'guide/advanced/tuning/',
      'reference/',
      'orphan/',
    ]);
    expect(index.docs.some((d) => d.text.includes('¶'))).toBe(false);
  });

  it('writes techdocs_metadata.json in Backstage format', async () => {
    const meta = JSON.parse(await readFile(path.join(output, 'techdocs_metadata.json'), 'utf8')) as TechDocsMetadata;
    expect(meta.site_name).toBe('Fixture Docs');
    expect(meta.site_description).toBe('A fixture site for portalkit techdocs');
    expect(meta.etag).toBe(result.etag);
    expect(typeof meta.build_timestamp).toBe('number');
    expect(meta.files).toContain('index.html');
    expect(meta.files).toContain('images/logo.png');
    expect(meta.files).toContain('search/search_index.json');
    expect(meta.files).toContain('techdocs_metadata.json');
    expect(meta.files.some((f) => f.startsWith('.'))).toBe(false);
  });
});

describe('buildDocs warnings', () => {
  const broken = path.join(fixturesDir, 'broken');

  it('reports broken links, missing nav targets and traversal attempts with file:line', async () => {
    const { output, result } = await build(broken);
    const lines = result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`);
    expect(lines).toEqual([
      "mkdocs.yml:4: nav target 'missing-page.md' does not exist in the docs directory",
      "mkdocs.yml:5: nav target '../../etc/passwd' escapes the docs directory",
      "index.md:3: broken link 'nope.md': nope.md does not exist",
      "index.md:3: link '../../etc/passwd' escapes the docs directory",
      "index.md:5: broken link 'img/none.png': img/none.png does not exist",
    ]);
    const tree = await readHtml(path.join(output, 'index.html'));
    const escape = all(tree, 'article a').find((a) => text(a) === 'escape');
    expect(attr(escape!, 'href')).toBeUndefined();
    expect(all(tree, 'nav.site-nav a').map(text)).toEqual(['Broken']);
  });

  it('keeps a link to a missing file as written, and is silent when the page URL finds it', async () => {
    const site = await tempDir();
    cleanup.push(site);
    await mkdir(path.join(site, 'docs', 'why', 'images'), { recursive: true });
    await writeFile(path.join(site, 'mkdocs.yml'), 'site_name: Missing\n');
    await writeFile(path.join(site, 'docs', 'index.md'), '# Home\n');
    // Written for the page's URL (why/), as MkDocs sites do in raw HTML: the browser finds it.
    await writeFile(path.join(site, 'docs', 'why.md'), '# Why\n\n<img src="images/a.png" alt="a">\n\n![b](images/none.png)\n');
    await writeFile(path.join(site, 'docs', 'why', 'images', 'a.png'), 'png');
    const { output, result } = await build(site);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      "why.md:5: broken link 'images/none.png': images/none.png does not exist",
    ]);
    const tree = await readHtml(path.join(output, 'why/index.html'));
    expect(all(tree, 'article img').map((img) => attr(img, 'src'))).toEqual(['images/a.png', 'images/none.png']);
    await stat(path.join(output, 'why/images/a.png'));
  });

  it('fails a strict build with an InputError listing every warning, writing nothing', async () => {
    const output = await tempDir();
    cleanup.push(output);
    const error = await buildDocs({ source: broken, output, strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('5 warning(s)');
    expect(message).toContain('mkdocs.yml:4:');
    expect(message).toContain('index.md:5:');
    await expect(stat(path.join(output, 'index.html'))).rejects.toThrow();
  });

  it('passes a strict build of a clean site', async () => {
    const { result } = await build(path.join(fixturesDir, 'site'), { strict: true });
    expect(result.warnings).toEqual([]);
  });

  it('drops nav links with unsafe protocols and refuses non-web repo_url and edit_uri', async () => {
    const site = await tempDir();
    cleanup.push(site);
    await mkdir(path.join(site, 'docs'));
    await writeFile(path.join(site, 'docs', 'index.md'), '# Home\n');
    await writeFile(
      path.join(site, 'mkdocs.yml'),
      [
        'site_name: Links',
        'nav:',
        '  - Home: index.md',
        '  - Script: "javascript:alert(1)"',
        '  - Hidden: " JaVaScript:alert(2)"',
        '  - Data: "data:text/html,<script>alert(3)</script>"',
        '  - Mail: "mailto:docs@example.com"',
        '  - Web: https://backstage.io',
        '',
      ].join('\n'),
    );
    const { output, result } = await build(site);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      "mkdocs.yml:4: nav link 'javascript:alert(1)' is not allowed: only http, https and mailto links are",
      "mkdocs.yml:5: nav link ' JaVaScript:alert(2)' is not allowed: only http, https and mailto links are",
      "mkdocs.yml:6: nav link 'data:text/html,<script>alert(3)</script>' is not allowed: only http, https and mailto links are",
    ]);
    const home = await readHtml(path.join(output, 'index.html'));
    expect(all(one(home, 'nav.site-nav'), 'a').map((a) => attr(a, 'href'))).toEqual(['./', 'mailto:docs@example.com', 'https://backstage.io']);
    await expect(build(site, { strict: true })).rejects.toBeInstanceOf(InputError);

    for (const bad of ['repo_url: "javascript:alert(1)//"', 'repo_url: https://github.com/a/b\nedit_uri: "javascript:alert(1)//"', 'repo_url: not a url']) {
      await writeFile(path.join(site, 'mkdocs.yml'), `site_name: Links\n${bad}\n`);
      await expect(build(site)).rejects.toThrow(/mkdocs\.yml is invalid: (repo_url|edit_uri): .* must be an http or https URL/);
    }
  });

  it('skips symbolic links that leave the docs directory', async () => {
    const site = await copyFixture('broken');
    cleanup.push(site);
    await symlink('/etc', path.join(site, 'docs', 'etc-link'));
    const { output, result } = await build(site);
    expect(result.warnings.map((w) => `${w.file}: ${w.message}`)).toContain(
      'etc-link: symbolic link escapes the docs directory; skipped',
    );
    await expect(stat(path.join(output, 'etc-link'))).rejects.toThrow();
  });

  it('rejects configs that escape the site or are invalid', async () => {
    const site = await tempDir();
    cleanup.push(site);
    await writeFile(path.join(site, 'mkdocs.yml'), 'site_name: X\ndocs_dir: ../../etc\n');
    await expect(build(site)).rejects.toThrow(/docs_dir/);
    await writeFile(path.join(site, 'mkdocs.yml'), 'nav: []\n');
    await expect(build(site)).rejects.toBeInstanceOf(InputError);
    await writeFile(path.join(site, 'mkdocs.yml'), 'site_name: [unclosed\n');
    await expect(build(site)).rejects.toThrow(/mkdocs\.yml:\d+/);
  });
});

describe('buildDocs options', () => {
  it('keeps raw HTML when sanitize is false', async () => {
    const { output } = await build(path.join(fixturesDir, 'site'), { sanitize: false });
    const tree = await readHtml(path.join(output, 'reference/index.html'));
    expect(all(one(tree, 'article'), 'script').length).toBe(1);
  });

  it('builds an implicit nav from the file tree, index/README first, with mkdocs.yaml', async () => {
    const site = await tempDir();
    cleanup.push(site);
    await mkdir(path.join(site, 'docs', 'b-section'), { recursive: true });
    await writeFile(path.join(site, 'mkdocs.yaml'), 'site_name: Implicit\nuse_directory_urls: false\n');
    await writeFile(path.join(site, 'docs', 'README.md'), '# Start here\n');
    await writeFile(path.join(site, 'docs', 'a-page.md'), 'Setext Title\n============\n\n[up](README.md)\n');
    await writeFile(path.join(site, 'docs', 'z-last.md'), 'no heading\n');
    await writeFile(path.join(site, 'docs', 'b-section', 'index.md'), '# Section Home\n[sib](other.md)\n');
    await writeFile(path.join(site, 'docs', 'b-section', 'other.md'), '# Other\n');
    const { output, result } = await build(site);
    expect(result.warnings).toEqual([]);
    const tree = await readHtml(path.join(output, 'b-section', 'other.html'));
    const top = all(tree, 'nav.site-nav > ul > li');
    expect(top.map((li) => text(li.children[0] as never))).toEqual(['Start here', 'Setext Title', 'B section', 'Z last']);
    expect(all(top[2]!, 'a').map((a) => [text(a), attr(a, 'href')])).toEqual([
      ['Section Home', 'index.html'],
      ['Other', 'other.html'],
    ]);
    const index = await readHtml(path.join(output, 'b-section', 'index.html'));
    expect(attr(one(index, 'article a'), 'href')).toBe('other.html');
    const a = await readHtml(path.join(output, 'a-page.html'));
    expect(attr(one(a, 'article a'), 'href')).toBe('index.html');
  });

  it('reads pages from a custom docs_dir, with nav targets and links relative to it', async () => {
    const site = await tempDir();
    cleanup.push(site);
    await mkdir(path.join(site, 'documentation', 'guide'), { recursive: true });
    await writeFile(
      path.join(site, 'mkdocs.yml'),
      'site_name: Custom\ndocs_dir: documentation\nrepo_url: https://github.com/a/b\nnav:\n  - Home: index.md\n  - Guide:\n    - guide/index.md\n    - guide/more.md\n',
    );
    await writeFile(path.join(site, 'documentation', 'index.md'), '# Home\n\n[guide](guide/index.md) [more](guide/more.md#y)\n');
    await writeFile(path.join(site, 'documentation', 'guide', 'index.md'), '# Guide\n\n[up](../index.md)\n');
    await writeFile(path.join(site, 'documentation', 'guide', 'more.md'), '# More\n\n## Y\n');
    // A docs/ directory beside it is not the docs directory and must not be built.
    await mkdir(path.join(site, 'docs'));
    await writeFile(path.join(site, 'docs', 'stray.md'), '# Stray\n');
    const { output, result } = await build(site);
    expect(result.warnings).toEqual([]);
    expect(result.rendered.sort()).toEqual(['guide/index.md', 'guide/more.md', 'index.md']);
    await expect(stat(path.join(output, 'stray/index.html'))).rejects.toThrow();
    const home = await readHtml(path.join(output, 'index.html'));
    expect(all(one(home, 'article.md-content'), 'p a').map((a) => attr(a, 'href'))).toEqual(['guide/', 'guide/more/#y']);
    const more = await readHtml(path.join(output, 'guide/more/index.html'));
    expect(all(one(more, 'nav.site-nav'), 'a').map((a) => attr(a, 'href'))).toEqual(['../../', '../', './']);
    // MkDocs' default GitHub edit_uri names docs/, whatever docs_dir is.
    expect(attr(one(more, 'a.edit-link'), 'href')).toBe('https://github.com/a/b/edit/master/docs/guide/more.md');
  });

  it('runs extra remark and rehype plugins and freezes after the first build', async () => {
    const builder = createDocsBuilder();
    builder.useRehype(() => (tree: { children: unknown[] }) => {
      tree.children.push({ type: 'element', tagName: 'footer', properties: { className: ['from-plugin'] }, children: [] });
    });
    const output = await tempDir();
    cleanup.push(output);
    await builder.build({ source: path.join(fixturesDir, 'site'), output });
    const tree = await readHtml(path.join(output, 'index.html'));
    expect(all(tree, 'article footer.from-plugin').length).toBe(1);
    expect(() => builder.useRemark(() => undefined)).toThrow(InputError);
  });

  it('reports progress', async () => {
    const phases: string[] = [];
    await build(path.join(fixturesDir, 'site'), { onProgress: (p) => phases.push(`${p.phase}:${p.done}/${p.total}`) });
    expect(phases[0]).toBe('read:6/6');
    expect(phases).toContain('render:6/6');
    expect(phases.at(-1)).toMatch(/^write:/);
  });
});

describe('incremental builds', () => {
  it('re-renders only the changed page, and everything when the layout changes', async () => {
    const site = await copyFixture('site');
    const output = await tempDir();
    cleanup.push(site, output);
    const docs = path.join(site, 'docs');
    const first = await buildDocs({ source: site, output });
    expect(first.rendered.length).toBe(6);

    const again = await buildDocs({ source: site, output });
    expect(again.rendered).toEqual([]);
    expect(again.skipped.length).toBe(6);
    expect(again.etag).toBe(first.etag);

    const mtimes = async () =>
      Object.fromEntries(
        await Promise.all(
          ['index.html', 'reference/index.html', 'guide/configuration/index.html'].map(
            async (f) => [f, (await stat(path.join(output, f))).mtimeMs] as const,
          ),
        ),
      );
    const before = await mtimes();
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(path.join(docs, 'reference.md'), '# Reference\n\n## API\n\nChanged body: quokka.\n');
    const one_ = await buildDocs({ source: site, output });
    expect(one_.rendered).toEqual(['reference.md']);
    expect(one_.skipped.length).toBe(5);
    expect(one_.etag).not.toBe(first.etag);
    const after = await mtimes();
    expect(after['index.html']).toBe(before['index.html']);
    expect(after['guide/configuration/index.html']).toBe(before['guide/configuration/index.html']);
    expect(after['reference/index.html']).not.toBe(before['reference/index.html']);
    const index = JSON.parse(await readFile(path.join(output, 'search/search_index.json'), 'utf8')) as SearchIndex;
    expect(index.docs.find((d) => d.location === 'reference/#api')?.text).toBe('Changed body: quokka.');
    expect(index.docs.find((d) => d.location === '#features')).toBeDefined();

    // A title change shows in every page's nav, so every page renders again.
    await writeFile(path.join(docs, 'orphan.md'), '# Now Titled\n');
    const titled = await buildDocs({ source: site, output });
    expect(titled.rendered.length).toBe(6);

    // So does a config change.
    const config = await readFile(path.join(site, 'mkdocs.yml'), 'utf8');
    await writeFile(path.join(site, 'mkdocs.yml'), config.replace('Fixture Docs', 'Renamed Docs'));
    const renamed = await buildDocs({ source: site, output });
    expect(renamed.rendered.length).toBe(6);

    // A deleted page disappears from the output.
    await rm(path.join(docs, 'orphan.md'));
    const removed = await buildDocs({ source: site, output });
    expect(removed.rendered.length).toBe(5);
    await expect(stat(path.join(output, 'orphan/index.html'))).rejects.toThrow();
    const meta = JSON.parse(await readFile(path.join(output, 'techdocs_metadata.json'), 'utf8')) as TechDocsMetadata;
    expect(meta.files).not.toContain('orphan/index.html');
  });

  it('keeps its cache in cacheDir when given, and re-renders pages whose output vanished', async () => {
    const output = await tempDir();
    const cacheDir = await tempDir();
    cleanup.push(output, cacheDir);
    const source = path.join(fixturesDir, 'site');
    await buildDocs({ source, output, cacheDir });
    await expect(stat(path.join(output, '.techdocs-cache.json'))).rejects.toThrow();
    await rm(path.join(output, 'index.html'));
    const again = await buildDocs({ source, output, cacheDir });
    expect(again.rendered).toEqual(['index.md']);
  });

  it('writes nothing again on a no-op rebuild, and copies a touched but unchanged asset only once', async () => {
    const site = await copyFixture('site');
    const output = await tempDir();
    cleanup.push(site, output);
    const docs = path.join(site, 'docs');
    // Sources older than the build, so their stat alone proves them unchanged next time.
    const past = new Date(Date.now() - 3_600_000);
    const files = await readdir(docs, { recursive: true, withFileTypes: true });
    for (const file of files) if (file.isFile()) await utimes(path.join(file.parentPath, file.name), past, past);
    await buildDocs({ source: site, output });
    const written = ['index.html', 'reference/index.html', 'search/search_index.json', 'images/logo.png', '.techdocs-cache.json'];
    const mtimes = async () => Promise.all(written.map(async (f) => (await stat(path.join(output, f))).mtimeMs));
    const before = await mtimes();
    await new Promise((r) => setTimeout(r, 20));

    const noop = await buildDocs({ source: site, output });
    expect(noop.rendered).toEqual([]);
    expect(await mtimes()).toEqual(before);

    // Touched, same bytes: neither re-rendered nor re-copied.
    const now = new Date();
    await utimes(path.join(docs, 'reference.md'), now, now);
    await utimes(path.join(docs, 'images/logo.png'), now, now);
    const touched = await buildDocs({ source: site, output });
    expect(touched.rendered).toEqual([]);
    expect((await mtimes()).slice(0, 4)).toEqual(before.slice(0, 4));
  });

  it('sees an edit that keeps the size and puts the old mtime back', async () => {
    const site = await copyFixture('site');
    const output = await tempDir();
    cleanup.push(site, output);
    const file = path.join(site, 'docs', 'reference.md');
    const past = new Date(Date.now() - 3_600_000);
    await writeFile(file, '# Reference\n\nBody: alpha.\n');
    await utimes(file, past, past);
    await buildDocs({ source: site, output });
    await writeFile(file, '# Reference\n\nBody: omega.\n');
    await utimes(file, past, past);
    const again = await buildDocs({ source: site, output });
    expect(again.rendered).toEqual(['reference.md']);
    expect(await readFile(path.join(output, 'reference/index.html'), 'utf8')).toContain('Body: omega.');
  });
});

describe('buildDocs failing half way', () => {
  it('stops its writer thread, so the process exits on its own', async () => {
    const work = await tempDir();
    cleanup.push(work);
    const repoRoot = path.resolve(import.meta.dirname, '../../../..');
    const script = path.join(import.meta.dirname, '__workers__', 'failing-build.ts');
    await generateBenchSite(path.join(work, 'site'), 60);
    // Before the fix the writer thread kept the process alive and this timed out.
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, work], {
      cwd: repoRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.json') },
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('failed: boom on page 40');
    // The pages rendered before the failure were written whole; the rest never were.
    const written = (await readdir(path.join(work, 'out'), { recursive: true })).filter((f) => f.endsWith('.html'));
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(40);
  }, 40_000);
});
