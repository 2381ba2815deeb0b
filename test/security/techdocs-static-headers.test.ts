// Files copied verbatim from a docs folder reach the portal's origin through the TechDocs
// static route; none may run there (issue 16, hole 18). Checked through the HTTP handler.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDocs,
  createTechDocs,
  memoryPublisher,
  type DocsPublisher,
  type TechDocs,
  type TechDocsEntity,
} from '@portalkit/techdocs';

let tmp: string;
let techdocs: TechDocs;
const base = '/static/docs/default/component/files';

// name -> content; each an author's worst file of its kind.
const files: Record<string, string> = {
  'raw.html': '<script>parent.document.cookie</script>',
  'old.htm': '<script>alert(1)</script>',
  'page.xhtml': '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
  'images/evil.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
  'feed.xml': '<?xml-stylesheet type="text/xsl" href="x.xsl"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
  'tool.js': 'fetch("/api/catalog/locations", { method: "POST" })',
  'module.mjs': 'export default 1',
  'worker.cjs': 'self.onmessage = () => {}',
  'spec.pdf': '%PDF-1.4 /JS (app.alert(1))',
  'blob.bin': '\u0000\u0001',
  'module.wasm': '\u0000asm',
  'LICENSE': 'no extension',
  'style.css': 'body { color: red }',
  'images/logo.png': '\u0089PNG',
  'font.woff2': 'wOF2',
  'data.json': '{"a":1}',
  'notes.txt': 'text',
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'techdocs-static-'));
  const repo = path.join(tmp, 'files');
  await mkdir(path.join(repo, 'docs', 'images'), { recursive: true });
  await writeFile(path.join(repo, 'mkdocs.yml'), 'site_name: Files\n');
  await writeFile(path.join(repo, 'docs', 'index.md'), '# Files\n');
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(repo, 'docs', file), content);
  const entity: TechDocsEntity = {
    kind: 'Component',
    metadata: {
      name: 'files',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/managed-by-location': `file:${path.join(repo, 'catalog-info.yaml')}`,
      },
    },
  };
  techdocs = createTechDocs({ publisher: memoryPublisher(), root: tmp });
  await techdocs.build(entity, { onLog: () => {} });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const inline = [
  ['raw.html', 'text/html; charset=utf-8'],
  ['old.htm', 'text/html; charset=utf-8'],
  ['images/evil.svg', 'image/svg+xml'],
  ['feed.xml', 'application/xml; charset=utf-8'],
  ['', 'text/html; charset=utf-8'],
  ['index.html', 'text/html; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
  ['images/logo.png', 'image/png'],
  ['font.woff2', 'font/woff2'],
  ['data.json', 'application/json; charset=utf-8'],
  ['search/search_index.json', 'application/json; charset=utf-8'],
  ['notes.txt', 'text/plain; charset=utf-8'],
] as const;
const scripts = ['tool.js', 'module.mjs', 'worker.cjs'];
const downloads = ['spec.pdf', 'blob.bin', 'module.wasm', 'LICENSE', 'page.xhtml'];

describe('techdocs static route: files from a docs folder cannot act on the portal origin', () => {
  it('serves every file type sandboxed and unsniffable', async () => {
    for (const file of [...inline.map(([f]) => f), ...scripts, ...downloads]) {
      const response = await techdocs.request(`${base}/${file}`);
      expect(response.status, file).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy.split(';').map((d) => d.trim()), file).toEqual(expect.arrayContaining(['sandbox', "default-src 'none'"]));
      expect(response.headers.get('x-content-type-options'), file).toBe('nosniff');
    }
  });

  it('keeps passive and sandboxed documents inline, with their types', async () => {
    for (const [file, type] of inline) {
      const response = await techdocs.request(`${base}/${file}`);
      expect(response.headers.get('content-type'), file).toBe(type);
      expect(response.headers.get('content-disposition'), file).toBeNull();
    }
  });

  it('serves scripts as text, which no browser runs as a script or worker under nosniff', async () => {
    for (const file of scripts) {
      const response = await techdocs.request(`${base}/${file}`);
      expect(response.headers.get('content-type'), file).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toBe(files[file]);
    }
  });

  it('serves PDFs, unknown and binary types as downloads', async () => {
    for (const file of downloads) {
      const response = await techdocs.request(`${base}/${file}`);
      expect(response.headers.get('content-disposition'), file).toBe(`attachment; filename="${path.posix.basename(file)}"`);
    }
  });

  it("judges by the file's name as well as by the type a custom publisher reports", async () => {
    const inner = memoryPublisher();
    // An object store that kept whatever type the uploader claimed.
    const publisher: DocsPublisher = {
      ...inner,
      readFile: async (entity, file) => ({
        ...(await inner.readFile(entity, file)),
        contentType: file.endsWith('.txt') ? 'application/javascript' : file.endsWith('.js') ? 'image/png' : 'application/x-shockwave-flash',
      }),
    };
    const output = path.join(tmp, 'custom-site');
    await buildDocs({ source: path.join(tmp, 'files'), output });
    await publisher.publish({ entity: { namespace: 'default', kind: 'component', name: 'files' }, directory: output });
    const custom = createTechDocs({ publisher, root: tmp });
    const txt = await custom.request(`${base}/notes.txt`);
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const js = await custom.request(`${base}/tool.js`);
    expect(js.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const flash = await custom.request(`${base}/data.json`);
    expect(flash.headers.get('content-disposition')).toBe('attachment; filename="data.json"');
    expect(flash.headers.get('content-security-policy')).toContain('sandbox');
  });
});

