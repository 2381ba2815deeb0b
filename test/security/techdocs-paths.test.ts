import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, memorySink, toNodeHandler } from '@portalkit/core';
import { buildDocs, createTechDocs, localPublisher, type TechDocs, type TechDocsEntity } from '@portalkit/techdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'OUTSIDE-SECRET-9876';
let base: string;
let sources: string;
let techdocs: TechDocs;
let server: Server;
let port: number;
const entities = new Map<string, TechDocsEntity>();

const entity = (name: string, ref = 'dir:.'): TechDocsEntity => ({
  kind: 'Component',
  metadata: {
    name,
    annotations: {
      'backstage.io/techdocs-ref': ref,
      'backstage.io/managed-by-location': `file:${path.join(sources, name, 'catalog-info.yaml')}`,
    },
  },
});

async function site(name: string, mkdocs: string, pages: Record<string, string>) {
  const dir = path.join(sources, name);
  await mkdir(path.join(dir, 'docs'), { recursive: true });
  await writeFile(path.join(dir, 'mkdocs.yml'), mkdocs);
  for (const [file, body] of Object.entries(pages)) {
    await mkdir(path.dirname(path.join(dir, 'docs', file)), { recursive: true });
    await writeFile(path.join(dir, 'docs', file), body);
  }
  entities.set(`component:default/${name}`, entity(name));
  return dir;
}

/** Every published byte, to check the secret never made it into a site. */
async function published(): Promise<string> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(await readFile(p, 'utf8'));
    }
  };
  await walk(path.join(base, 'published'));
  return out.join('\n');
}

function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-docs-'));
  sources = path.join(base, 'sources');
  await mkdir(path.join(base, 'outside'), { recursive: true });
  await writeFile(path.join(base, 'outside', 'secret.md'), `# Secret\n\n${SECRET}\n`);
  await writeFile(path.join(base, 'published-secret.txt'), SECRET);
  await site('good', 'site_name: good\nnav:\n  - Home: index.md\n', { 'index.md': '# Good\n\n[up](../../../outside/secret.md)\n' });
  await site('nav-escape', 'site_name: nav\nnav:\n  - Home: index.md\n  - Up: ../../outside/secret.md\n  - Abs: /etc/passwd\n  - Abs2: ' + path.join(base, 'outside', 'secret.md') + '\n', { 'index.md': '# Nav\n' });
  await site('docs-dir-escape', 'site_name: d\ndocs_dir: ../../outside\n', { 'index.md': '# D\n' });
  const linked = await site('symlinks', 'site_name: s\n', { 'index.md': '# S\n' });
  await symlink(path.join(base, 'outside', 'secret.md'), path.join(linked, 'docs', 'leak.md'));
  await symlink(path.join(base, 'outside'), path.join(linked, 'docs', 'leak-dir'));
  entities.set('component:default/ref-escape', entity('ref-escape', 'dir:../../outside'));
  entities.set('component:default/ref-absolute', entity('ref-absolute', `dir:${path.join(base, 'outside')}`));
  await mkdir(path.join(sources, 'ref-escape'), { recursive: true });
  await mkdir(path.join(sources, 'ref-absolute'), { recursive: true });

  techdocs = createTechDocs({
    publisher: localPublisher({ root: path.join(base, 'published') }),
    getEntity: (name) => entities.get(`${name.kind}:${name.namespace}/${name.name}`),
    root: sources,
    logger: createLogger({ sink: memorySink() }),
  });
  server = createServer(toNodeHandler(techdocs.handler({ basePath: '/api/techdocs' })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(base, { recursive: true, force: true });
});

describe('docs path traversal', () => {
  it('builds a site whose links point out of the docs without reading them', async () => {
    const result = await techdocs.build(entities.get('component:default/good')!);
    expect(result.warnings.map((w) => w.message).join('\n')).toMatch(/secret\.md|outside|not found|escapes/i);
    expect(await published()).not.toContain(SECRET);
  });

  it.each(['nav-escape', 'docs-dir-escape', 'symlinks', 'ref-escape', 'ref-absolute'])('never publishes outside content for %s', async (name) => {
    const outcome = await techdocs.build(entities.get(`component:default/${name}`)!).then(
      (r) => ({ ok: true as const, warnings: r.warnings }),
      (error: Error) => ({ ok: false as const, error }),
    );
    if (!outcome.ok) expect(outcome.error.name).toMatch(/NotAllowedError|InputError|NotFoundError/);
    expect(await published()).not.toContain(SECRET);
  });

  it.each([
    '/api/techdocs/static/docs/default/component/good/../../../../../published-secret.txt',
    '/api/techdocs/static/docs/default/component/good/%2e%2e/%2e%2e/%2e%2e/%2e%2e/published-secret.txt',
    '/api/techdocs/static/docs/default/component/good/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpublished-secret.txt',
    '/api/techdocs/static/docs/default/component/good/..%2f..%2f..%2f..%2fpublished-secret.txt',
    '/api/techdocs/static/docs/default/component/good/%252e%252e/%252e%252e/published-secret.txt',
    '/api/techdocs/static/docs/default/component/good/..%5c..%5c..%5cpublished-secret.txt',
    '/api/techdocs/static/docs/default/component/good/%2fetc%2fpasswd',
    '/api/techdocs/static/docs/default/component/good//etc/passwd',
    '/api/techdocs/static/docs/default/component/good/index.html%00.txt',
    '/api/techdocs/static/docs/default/component/%2e%2e/good/index.html',
    '/api/techdocs/static/docs/%2e%2e/%2e%2e/%2e%2e/published-secret.txt/x',
    '/api/techdocs/metadata/techdocs/default/component/..%2f..%2f..',
  ])('refuses %s over HTTP', async (rawPath) => {
    const { status, body } = await rawGet(rawPath);
    expect([400, 403, 404]).toContain(status);
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('root:x:0');
  });

  it('answers a link out of the docs the same whether or not its target exists (no existence oracle)', async () => {
    const outcomes: string[] = [];
    for (const [name, target] of [['link-existing', 'secret.md'], ['link-missing', 'no-such-file.md']] as const) {
      const dir = await site(name, 'site_name: l\n', { 'index.md': '# L\n' });
      await symlink(path.join(base, 'outside', target), path.join(dir, 'docs', 'leak.md'));
      // Through the service (prepare copies the sources) and through the generator alone.
      const built = await techdocs.build(entities.get(`component:default/${name}`)!).then(
        (r) => `built ${r.warnings.map((w) => w.message).join('; ')}`,
        (error: Error) => `${error.name}: ${error.message}`,
      );
      const generated = await buildDocs({ source: dir, output: path.join(base, `gen-${name}`) });
      outcomes.push(`${built} | ${generated.warnings.map((w) => `${w.file}: ${w.message}`).join('; ')}`);
    }
    // Prepare skips the link with a warning (the build goes on); the same words either way.
    expect(outcomes[0]).toMatch(/^built .*symbolic link skipped/);
    expect(outcomes[1]).toBe(outcomes[0]);
    expect(await published()).not.toContain(SECRET);
  });

  it('still serves the site itself', async () => {
    const { status, body } = await rawGet('/api/techdocs/static/docs/default/component/good/index.html');
    expect(status).toBe(200);
    expect(body).toContain('Good');
  });
});
