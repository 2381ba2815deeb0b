// Docs authors are untrusted: no URL in a built page may run script once a browser parses it,
// whatever the author wrote and however the pipeline rewrote it (issue 16, hole 4).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { selectAll } from 'hast-util-select';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs, docsSanitizeSchema, type BuildDocsOptions, type SanitizeSchema } from '@portalkit/techdocs';
import { parseHtml } from '../../packages/techdocs/src/test-utils.js';

// hast's types, as the parser and selector give them (the root has no hast dependency).
type Root = ReturnType<typeof parseHtml>;
type Element = ReturnType<typeof selectAll>[number];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'techdocs-xss-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// Every spelling of a dangerous URL an author may try. Character references are written as
// such: Markdown and HTML both decode them.
const dangerous = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  'javascript&#58;alert(1)',
  '\u0001javascript:alert(1)',
  '  javascript:alert(1)',
  '%6Aavascript:alert(1)',
  'javascript%3Aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
];

// How a relative link turns into a scheme after rewriting: the `./` or a folder gone through
// `..` is dropped, `.md` becomes the page's URL, percent-escapes are decoded.
const prefixes = ['', './', 'sub/../', './sub/./../', 'sub/../../docs/'];
const suffixes = ['', '.md', '/'];

function urls(): string[] {
  const out: string[] = [];
  for (const url of dangerous) for (const prefix of prefixes) for (const suffix of suffixes) out.push(prefix + url + suffix);
  return out;
}

// Markdown link destinations cannot hold spaces, controls or `<` unless written in `<...>`.
const destination = (url: string) => (/[\s<>\u0000-\u001f]/.test(url) && !url.includes('<') ? `<${url}>` : url);
const attr = (url: string) => url.replace(/"/g, '&quot;');

const markdownForms: Record<string, (url: string, i: number) => string> = {
  inline: (url) => `[x](${destination(url)})`,
  image: (url) => `![x](${destination(url)})`,
  reference: (url, i) => `[x][r${i}]\n\n[r${i}]: ${destination(url)}`,
  imageReference: (url, i) => `![x][i${i}]\n\n[i${i}]: ${destination(url)}`,
  autolink: (url) => `<${url}>`,
};

const htmlForms: Record<string, (url: string) => string> = {
  a: (url) => `<a href="${attr(url)}">x</a>`,
  img: (url) => `<img src="${attr(url)}" alt="x">`,
  imgSrcset: (url) => `<img srcset="${attr(url)} 2x, ok.png 1x" alt="x">`,
  imgLongdesc: (url) => `<img src="ok.png" longdesc="${attr(url)}">`,
  area: (url) => `<map name="m"><area href="${attr(url)}" alt="x"></map>`,
  form: (url) => `<form action="${attr(url)}"><button formaction="${attr(url)}">b</button><input type="submit" formaction="${attr(url)}"></form>`,
  iframe: (url) => `<iframe src="${attr(url)}"></iframe>`,
  media: (url) =>
    `<video poster="${attr(url)}" src="${attr(url)}"><source src="${attr(url)}" srcset="${attr(url)}"></video><audio src="${attr(url)}"></audio>`,
  picture: (url) => `<picture><source srcset="${attr(url)}"><img src="ok.png" alt="x"></picture>`,
  quotes: (url) =>
    `<blockquote cite="${attr(url)}">q</blockquote><q cite="${attr(url)}">q</q><del cite="${attr(url)}">d</del><ins cite="${attr(url)}">i</ins>`,
  embeds: (url) => `<object data="${attr(url)}"></object><embed src="${attr(url)}">`,
  svg: (url) => `<svg><a xlink:href="${attr(url)}" href="${attr(url)}"><text>x</text></a><image href="${attr(url)}" longdesc="${attr(url)}"/></svg>`,
  svgAnimate: (url) =>
    `<svg><a href="ok.md"><animate attributeName="href" to="${attr(url)}" from="${attr(url)}" values="ok.md;${attr(url)}"/><set attributeName="href" to="${attr(url)}"/><text>x</text></a></svg>`,
  table: (url) => `<table background="${attr(url)}"><tr><td background="${attr(url)}">x</td></tr></table>`,
  head: (url) => `<link rel="stylesheet" href="${attr(url)}"><base href="${attr(url)}">`,
  ping: (url) => `<a href="ok.md" ping="${attr(url)}">x</a>`,
  math: (url) => `<math><mi href="${attr(url)}">x</mi></math>`,
};

// The URL-bearing attributes of HTML, SVG and MathML, lowercased (inside <svg> rehype-parse
// keeps some lowercase, e.g. `longdesc`). `to`/`from`/`values` retarget a link in an animation.
const urlProperties = new Set([
  'href', 'src', 'srcset', 'poster', 'action', 'formaction', 'cite', 'xlinkhref', 'background', 'longdesc',
  'data', 'ping', 'codebase', 'archive', 'classid', 'profile', 'manifest', 'icon', 'itemtype', 'usemap', 'lowsrc',
  'dynsrc', 'attributionsrc', 'to', 'from', 'values',
]);
const safeProtocols = new Set(['http:', 'https:', 'mailto:', 'irc:', 'ircs:', 'xmpp:']);
// Where the portal serves a page: relative URLs resolve against it.
const pageBase = 'https://portal.example/api/techdocs/static/docs/default/component/site/a/b/';

/** Every URL a browser would follow or load in the page, parsed as a browser parses it. */
function pageUrls(html: string): Array<{ tag: string; property: string; value: string; protocol: string }> {
  const tree = parseHtml(html);
  const found: Array<{ tag: string; property: string; value: string; protocol: string }> = [];
  for (const node of selectAll('*', tree) as Element[]) {
    for (const [property, raw] of Object.entries(node.properties)) {
      const name = property.toLowerCase();
      if (!urlProperties.has(name) || raw === undefined || raw === null) continue;
      const values = Array.isArray(raw) ? raw.map(String) : [String(raw)];
      for (const value of values) {
        const candidates =
          name === 'srcset'
            ? value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '')
            : name === 'values'
              ? value.split(';')
              : [value];
        for (const candidate of candidates) {
          let protocol = 'invalid:';
          try {
            protocol = new URL(candidate, pageBase).protocol;
          } catch {
            // Not a URL a browser would follow.
          }
          found.push({ tag: node.tagName, property, value: candidate, protocol });
        }
      }
    }
  }
  return found;
}

async function outputs(dir: string): Promise<Array<{ file: string; html: string }>> {
  const out: Array<{ file: string; html: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) {
      const file = path.join(entry.parentPath, entry.name);
      out.push({ file: path.relative(dir, file), html: await readFile(file, 'utf8') });
    }
  }
  return out;
}

/** A site with one page per source form, at the root and in a folder, plus pages and files named like schemes. */
async function hostileSite(name: string, mkdocs: string): Promise<string> {
  const dir = path.join(tmp, name);
  const docs = path.join(dir, 'docs');
  await mkdir(path.join(docs, 'sub', 'deeper'), { recursive: true });
  await writeFile(path.join(dir, 'mkdocs.yml'), mkdocs);
  const all = urls();
  const pages: Record<string, string> = { 'index.md': '# Home\n\n[ok](ok.md)\n' };
  for (const [form, write] of Object.entries(markdownForms)) {
    const body = all.map((url, i) => write(url, i)).join('\n\n');
    pages[`md-${form}.md`] = `# ${form}\n\n${body}\n`;
    // From a folder, `../` climbs back to where the scheme-named targets are.
    pages[`sub/md-${form}.md`] = `# ${form}\n\n${all.map((url, i) => write(`../${url}`, i)).join('\n\n')}\n`;
  }
  for (const [form, write] of Object.entries(htmlForms)) {
    pages[`html-${form}.md`] = `# ${form}\n\n${all.map((url) => `<div>${write(url)}</div>`).join('\n\n')}\n`;
    pages[`sub/deeper/html-${form}.md`] = `# ${form}\n\n${all.map((url) => `<div>${write(`../../${url}`)}</div>`).join('\n\n')}\n`;
  }
  // Targets that exist, so rewriting follows them: pages and files named like schemes.
  for (const page of ['javascript:alert(1).md', 'vbscript:msgbox(1).md', 'java\tscript:alert(1).md']) {
    pages[page] = '# named like a scheme\n';
  }
  pages['ok.md'] = '# OK\n';
  for (const [file, body] of Object.entries(pages)) await writeFile(path.join(docs, file), body);
  await writeFile(path.join(docs, 'JaVaScRiPt:alert(1)'), 'asset');
  await writeFile(path.join(docs, 'ok.png'), 'png');
  return dir;
}

// A host schema that keeps every element and URL attribute above: the sanitiser checks the
// protocols of href, src, cite and longDesc only, so the rest is up to the final check.
const permissive: SanitizeSchema = {
  ...docsSanitizeSchema,
  tagNames: [
    ...(docsSanitizeSchema.tagNames ?? []),
    'map', 'area', 'form', 'button', 'input', 'iframe', 'video', 'audio', 'source', 'picture', 'object', 'embed',
    'svg', 'image', 'animate', 'set', 'text', 'link', 'base', 'math', 'mi',
  ],
  attributes: {
    ...docsSanitizeSchema.attributes,
    '*': [
      ...(docsSanitizeSchema.attributes?.['*'] ?? []),
      'href', 'src', 'srcSet', 'poster', 'action', 'formAction', 'cite', 'xLinkHref', 'background', 'longDesc',
      'longdesc', 'data', 'ping', 'to', 'from', 'values', 'attributeName', 'type', 'rel',
    ],
  },
  required: {},
};

const variants: Array<{ name: string; mkdocs: string; options: Partial<BuildDocsOptions> }> = [
  { name: 'directory-urls', mkdocs: 'site_name: Hostile\n', options: {} },
  { name: 'permissive-schema', mkdocs: 'site_name: Hostile\nuse_directory_urls: false\n', options: { sanitize: permissive } },
  { name: 'html-urls', mkdocs: 'site_name: Hostile\nuse_directory_urls: false\n', options: {} },
  { name: 'remark-parser', mkdocs: 'site_name: Hostile\nuse_directory_urls: false\n', options: { markdownParser: 'remark' } },
];

describe('techdocs: no built page holds a URL that runs script', () => {
  for (const variant of variants) {
    it(`every URL-bearing attribute x every dangerous spelling x every source form (${variant.name})`, async () => {
      const source = await hostileSite(variant.name, variant.mkdocs);
      const output = path.join(tmp, `${variant.name}-site`);
      await buildDocs({ source, output, ...variant.options });
      const bad: string[] = [];
      let checked = 0;
      for (const { file, html } of await outputs(output)) {
        for (const url of pageUrls(html)) {
          checked++;
          if (!safeProtocols.has(url.protocol)) bad.push(`${file}: <${url.tag} ${url.property}="${url.value}"> is ${url.protocol}`);
        }
      }
      expect(bad).toEqual([]);
      // The check saw the pages' links (nav, rewritten relative links), not an empty site.
      expect(checked).toBeGreaterThan(1000);
      const home = await readFile(path.join(output, 'index.html'), 'utf8');
      expect(home).toMatch(variant.name === 'directory-urls' ? /href="ok\/"/ : /href="ok\.html"/);
    });
  }

  it('a page named like a scheme is still linked, as a relative URL', async () => {
    const dir = path.join(tmp, 'named');
    await mkdir(path.join(dir, 'docs'), { recursive: true });
    await writeFile(path.join(dir, 'mkdocs.yml'), 'site_name: Named\nuse_directory_urls: false\n');
    await writeFile(path.join(dir, 'docs', 'index.md'), '[next](javascript:alert(1).md) and [again](./javascript:alert(1).md)\n');
    await writeFile(path.join(dir, 'docs', 'javascript:alert(1).md'), '# Named\n');
    const output = path.join(dir, 'site');
    await buildDocs({ source: dir, output });
    const html = await readFile(path.join(output, 'index.html'), 'utf8');
    const links = pageUrls(html).filter((u) => u.value.includes('alert'));
    // The nav, the next-page link and the rewritten Markdown link all point at the page.
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) {
      expect(link.value).toBe('./javascript:alert(1).html');
      expect(new URL(link.value, pageBase).pathname.endsWith('/javascript:alert(1).html')).toBe(true);
    }
    // Search readers resolve the index's locations against the site's URL too.
    const index = JSON.parse(await readFile(path.join(output, 'search', 'search_index.json'), 'utf8')) as {
      docs: Array<{ location: string }>;
    };
    expect(index.docs.map((d) => d.location)).toContain('./javascript:alert(1).html');
    for (const { location } of index.docs) expect(new URL(location, pageBase).protocol, location).toBe('https:');
  });

  it('URLs a host rehype plugin rewrites are checked too (the check runs last)', async () => {
    const dir = path.join(tmp, 'plugin');
    await mkdir(path.join(dir, 'docs'), { recursive: true });
    await writeFile(path.join(dir, 'mkdocs.yml'), 'site_name: Plugin\n');
    await writeFile(path.join(dir, 'docs', 'index.md'), '[a](https://example.com) ![i](ok.png)\n');
    await writeFile(path.join(dir, 'docs', 'ok.png'), 'png');
    const output = path.join(dir, 'site');
    // A plugin that, say, expands short links, fed an author's `javascript:` text.
    const expand = () => (tree: Root) => {
      for (const node of selectAll('a, img', tree) as Element[]) {
        if (node.tagName === 'a') node.properties.href = ' JaVaScRiPt:alert(1)';
        else node.properties.src = 'data:text/html,<script>alert(1)</script>';
      }
    };
    await buildDocs({ source: dir, output, rehypePlugins: [expand] });
    const html = await readFile(path.join(output, 'index.html'), 'utf8');
    expect(pageUrls(html).filter((u) => !safeProtocols.has(u.protocol))).toEqual([]);
  });
});
