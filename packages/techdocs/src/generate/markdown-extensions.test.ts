import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { all, attr, one, parseHtml, text } from '../test-utils.js';
import { buildDocs } from './build.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Build a techdocs-core site holding `index.md` (and `files`); the page's article as hast. */
async function render(markdown: string, files: Record<string, string> = {}, config = 'plugins:\n  - techdocs-core\n') {
  const root = mkdtempSync(path.join(tmpdir(), 'pk-md-ext-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'site', 'docs'), { recursive: true });
  writeFileSync(path.join(root, 'site', 'mkdocs.yml'), `site_name: Ext\n${config}`);
  writeFileSync(path.join(root, 'site', 'docs', 'index.md'), markdown);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, 'site', 'docs', name)), { recursive: true });
    writeFileSync(path.join(root, 'site', 'docs', name), body);
  }
  writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
  const result = await buildDocs({ source: path.join(root, 'site'), output: path.join(root, 'out') });
  // A page the pipeline refuses fails alone: its error is what the caller sees here.
  if (result.failed.length > 0) throw result.failed[0]?.error;
  const html = readFileSync(path.join(root, 'out', 'index.html'), 'utf8');
  const article = html.slice(html.indexOf('<article'), html.lastIndexOf('</article>') + 10);
  return { tree: parseHtml(article), html: article, result, root };
}

describe('techdocs-core Markdown extensions', () => {
  it('renders definition lists, abbreviations, marks, inserts, sub- and superscripts, keys and smart symbols', async () => {
    const { tree } = await render(
      'Term\n:   Definition\n\n*[HTML]: Hyper Text\n\nHTML ==mark== ^^ins^^ H~2~O x^2^ ~~del~~ ++ctrl+alt+del++ (c) 1st\n',
    );
    expect(text(one(tree, 'dl dt'))).toBe('Term');
    expect(text(one(tree, 'dl dd'))).toBe('Definition');
    expect(attr(one(tree, 'abbr'), 'title')).toBe('Hyper Text');
    expect(text(one(tree, 'mark'))).toBe('mark');
    expect(text(one(tree, 'ins'))).toBe('ins');
    expect(text(one(tree, 'sub'))).toBe('2');
    expect(all(tree, 'sup').map(text)).toEqual(['2', 'st']);
    expect(text(one(tree, 'del'))).toBe('del');
    expect(all(tree, 'span.keys kbd').map((k) => attr(k, 'className'))).toEqual(['key-control', 'key-alt', 'key-delete']);
    expect(text(one(tree, 'p:last-child'))).toContain('©');
  });

  it('renders content tabs with unique radio inputs per set, and ===+ selects a tab', async () => {
    const { tree } = await render('=== "A"\n    one\n\n=== "B"\n    two\n\nbetween\n\n=== "C"\n    three\n\n===+ "D"\n    four\n');
    const sets = all(tree, 'div.tabbed-set.tabbed-alternate');
    expect(sets.length).toBe(2);
    expect(all(tree, 'input[type=radio]').map((i) => attr(i, 'id'))).toEqual(['__tabbed_1_1', '__tabbed_1_2', '__tabbed_2_1', '__tabbed_2_2']);
    expect(all(sets[1]!, 'input[checked]').map((i) => attr(i, 'id'))).toEqual(['__tabbed_2_2']);
    expect(all(sets[0]!, 'label').map((l) => attr(l, 'htmlFor'))).toEqual(['__tabbed_1_1', '__tabbed_1_2']);
    expect(all(sets[0]!, '.tabbed-content > .tabbed-block').map(text)).toEqual(['one', 'two']);
  });

  it('renders emoji as twemoji images and attr_list ids', async () => {
    const { tree } = await render('## Title {: #custom }\n\n:rocket:\n');
    expect(attr(one(tree, 'h2'), 'id')).toBe('custom');
    const img = one(tree, 'img.twemoji');
    expect(attr(img, 'alt')).toBe('🚀');
    expect(attr(img, 'src')).toMatch(/twemoji@[\d.]+\/assets\/svg\/1f680\.svg$/);
  });

  it('switches extensions from markdown_extensions alone', async () => {
    const { tree } = await render('==mark== Term\n', {}, 'markdown_extensions:\n  - pymdownx.mark\n');
    expect(text(one(tree, 'mark'))).toBe('mark');
    const { html } = await render('==mark== ^^x^^\n', {}, 'markdown_extensions:\n  - toc\n');
    expect(html).toContain('==mark== ^^x^^');
    const extra = await render('Term\n:   def\n\n<div markdown>\n*x*\n</div>\n', {}, 'markdown_extensions:\n  - pymdownx.extra\n');
    expect(text(one(extra.tree, 'dd'))).toBe('def');
    expect(text(one(extra.tree, 'div em'))).toBe('x');
  });
});

describe('techdocs-core extensions: image captions', () => {
  it('keeps a `<figure markdown>` and its caption (material\'s image captions)', async () => {
    const { tree } = await render(
      '<figure markdown>\n  ![Diagram](img.png){ width="300" }\n  <figcaption>The caption.</figcaption>\n</figure>\n',
      { 'img.png': 'png' },
    );
    const figure = one(tree, 'figure');
    expect(attr(one(figure, 'img'), 'width')).toBe('300');
    expect(text(one(figure, 'figcaption'))).toBe('The caption.');
    expect(attr(figure, 'markdown')).toBeUndefined();
  });

  it('reads content indented as a whole inside the element as unindented; a lone indented line stays code', async () => {
    const { tree } = await render(
      [
        '??? tip "Search"',
        '    <figure markdown>',
        '        ![Search](img.png)',
        '        <figcaption>A search.</figcaption>',
        '    </figure>',
        '',
        '<div markdown>',
        'Text.',
        '',
        '    code',
        '</div>',
        '',
      ].join('\n'),
      { 'img.png': 'png' },
    );
    const figure = one(tree, 'details figure');
    expect(attr(one(figure, 'img'), 'alt')).toBe('Search');
    expect(text(one(figure, 'figcaption'))).toBe('A search.');
    expect(all(figure, 'pre')).toEqual([]);
    expect(text(one(tree, 'div pre code'))).toBe('code');
  });
});

describe('techdocs-core extensions: untrusted authors', () => {
  it('sanitises what the extensions let an author write', async () => {
    const { html } = await render(
      [
        '{++<img src=x onerror=alert(1)>++} ++"<script>x</script>"++',
        '',
        '[a](javascript:alert(1)){: onclick="alert(1)" .md-header }',
        '',
        '<div markdown onclick="alert(1)" class="md-header">',
        '*hi* <input type="radio" name="__tabbed_1" checked>',
        '</div>',
        '',
        '=== "<img src=x onerror=alert(2)>"',
        '    tab',
        '',
        'Term {: style="position:fixed" }',
        ':   def',
        '',
      ].join('\n'),
    );
    const tree = parseHtml(html);
    for (const element of all(tree, '*')) {
      for (const [key, value] of Object.entries(element.properties)) {
        expect(key).not.toMatch(/^on|^style$/i);
        expect(String(value)).not.toMatch(/javascript:|md-header/);
      }
    }
    expect(all(tree, 'script')).toEqual([]);
    // A tab title is inline Markdown (as in pymdownx.tabbed): its raw HTML is sanitised like the rest.
    expect(all(tree, 'img').map((i) => attr(i, 'src'))).toEqual(['x', 'x']);
    expect(all(one(tree, 'label'), 'img').map((i) => attr(i, 'src'))).toEqual(['x']);
    // An author's own input stays a disabled check box; only the pipeline makes radios.
    expect(all(tree, 'input[type=radio]').map((i) => attr(i, 'id'))).toEqual(['__tabbed_1_1']);
  });

  it('includes snippets from inside the docs dir only', async () => {
    const { tree } = await render('--8<-- "parts/a.md"\n', { 'parts/a.md': 'From *a*.\n\n--8<-- "parts/b.md"\n', 'parts/b.md': 'From b.\n' });
    expect(all(tree, 'p').map(text)).toEqual(['From a.', 'From b.']);
    for (const [markdown, message] of [
      ['x\n\n--8<-- "../secret.txt"\n', /index\.md:3: snippet '\.\.\/secret\.txt' is outside the docs dir/],
      ['--8<-- "/etc/passwd"\n', /index\.md:1: snippet '\/etc\/passwd' must be a path relative to the docs dir/],
      ['--8<--\nok.md\n../../secret.txt\n--8<--\n', /index\.md:3: snippet/],
    ] as const) {
      await expect(render(markdown, { 'ok.md': 'ok' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(message) });
    }
  });

  it('skips a missing snippet and refuses one over 1 MiB', async () => {
    const { tree } = await render('before\n\n--8<-- "missing.md"\n\nafter\n');
    expect(all(tree, 'p').map(text)).toEqual(['before', 'after']);
    await expect(render('--8<-- "big.md"\n', { 'big.md': 'x'.repeat(1024 * 1024 + 1) })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/index\.md:1: snippet 'big\.md' is larger than 1048576 bytes/),
    });
  });

  it('refuses a snippet that is a symlink out of the docs dir, and snippets including themselves forever', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pk-md-ext-link-'));
    dirs.push(root);
    writeFileSync(path.join(root, 'outside.txt'), 'TOP SECRET');
    const site = mkdtempSync(path.join(tmpdir(), 'pk-md-ext-site-'));
    dirs.push(site);
    mkdirSync(path.join(site, 'docs'));
    writeFileSync(path.join(site, 'mkdocs.yml'), 'site_name: L\nplugins:\n  - techdocs-core\n');
    writeFileSync(path.join(site, 'docs', 'index.md'), 'Text\n--8<-- "link.txt"\n');
    symlinkSync(path.join(root, 'outside.txt'), path.join(site, 'docs', 'link.txt'));
    const result = await buildDocs({ source: site, output: path.join(root, 'out') });
    expect(result.failed[0]?.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/index\.md:2: snippet 'link\.txt' links outside the docs dir/),
    });
    await expect(render('--8<-- "loop.md"\n', { 'loop.md': '--8<-- "loop.md"\n' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/loop\.md:1: snippets nested deeper than 8/),
    });
  });
});
