import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createLogger, memorySink } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';
import type { ActionContext, JsonObject, ScaffolderAction } from '../types.js';
import { createAction } from './createAction.js';
import { resolveSafeChildPath } from './resolveSafeChildPath.js';
import { builtinActions } from './builtin/index.js';
import { fakeCatalog, tempDir } from '../test-support.js';

/** Run one action directly, as the runner would (input parsed first). */
async function runAction(action: ScaffolderAction, input: unknown, options: { workspace: string; baseDir?: string; outputs?: Record<string, unknown> }) {
  const sink = memorySink();
  const outputs = options.outputs ?? {};
  const ctx: ActionContext<unknown> = {
    input: action.parseInput(input),
    workspacePath: options.workspace,
    logger: createLogger({ sink, level: 'debug' }),
    output: (name, value) => void (outputs[name] = value),
    createTemporaryDirectory: () => tempDir('pk-step-'),
    secrets: {},
    signal: new AbortController().signal,
    isDryRun: false,
    templateInfo: { entityRef: 'template:default/t', ...(options.baseDir ? { baseUrl: pathToFileURL(options.baseDir).toString() + '/' } : {}) },
    step: { id: 's' },
    task: { id: 't' },
  };
  await action.handler(ctx);
  return { outputs, logs: sink.records.map((r) => r.message) };
}

const byId = (id: string, options = {}) => builtinActions(options).find((a) => a.id === id)!;

async function skeleton(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir('pk-tpl-');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

describe('resolveSafeChildPath', () => {
  it('resolves children and refuses escapes', async () => {
    const base = await tempDir();
    expect(resolveSafeChildPath(base, 'a/b.txt')).toBe(path.join(base, 'a/b.txt'));
    expect(resolveSafeChildPath(base, './a/../c')).toBe(path.join(base, 'c'));
    expect(resolveSafeChildPath(base, '.')).toBe(base);
    expect(() => resolveSafeChildPath(base, '../x')).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
    expect(() => resolveSafeChildPath(base, 'a/../../x')).toThrow(/outside/);
    expect(() => resolveSafeChildPath(base, '/etc/passwd')).toThrow(/absolute/);
    expect(() => resolveSafeChildPath(base, 'a/.GIT/config')).toThrow(expect.objectContaining({ name: 'NotAllowedError', message: expect.stringContaining('a/.GIT/config') }));
    expect(resolveSafeChildPath(base, 'a/.gitignore')).toBe(path.join(base, 'a/.gitignore'));
    const outside = await tempDir();
    await symlink(outside, path.join(base, 'out'));
    await symlink(path.join(base, 'a'), path.join(base, 'in'));
    expect(() => resolveSafeChildPath(base, 'out/new/file.txt')).toThrow(/symlink/);
    expect(resolveSafeChildPath(base, 'in/x')).toBe(path.join(base, 'in/x'));
    // Dangling links: writing through one would create its target outside.
    await symlink(path.join(outside, 'not-yet', 'file.txt'), path.join(base, 'dangling'));
    await symlink(path.join(outside, 'not-yet'), path.join(base, 'dangling-dir'));
    await symlink('missing-inside', path.join(base, 'dangling-in'));
    expect(() => resolveSafeChildPath(base, 'dangling')).toThrow(/symlink/);
    expect(() => resolveSafeChildPath(base, 'dangling-dir/file.txt')).toThrow(/symlink/);
    expect(resolveSafeChildPath(base, 'dangling-in')).toBe(path.join(base, 'dangling-in'));
    await symlink(path.join(base, 'loop-b'), path.join(base, 'loop-a'));
    await symlink(path.join(base, 'loop-a'), path.join(base, 'loop-b'));
    expect(() => resolveSafeChildPath(base, 'loop-a/x')).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
  });
});

describe('createAction', () => {
  it('validates zod input before the handler and lists JSON Schema', async () => {
    let called = false;
    const action = createAction({
      id: 'acme:greet',
      description: 'greets',
      schema: { input: z.object({ name: z.string(), times: z.number().int().default(1) }), output: { greeting: z.string() } },
      async handler(ctx) {
        called = true;
        // The input type comes from the zod schema; `pnpm typecheck` fails if it does not.
        expectTypeOf(ctx.input).toEqualTypeOf<{ name: string; times: number }>();
        ctx.output('greeting', `hi ${ctx.input.name}`.repeat(ctx.input.times));
      },
    });
    expect(action.schema.input).toMatchObject({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    expect(action.schema.output).toMatchObject({ properties: { greeting: { type: 'string' } } });
    expect(() => action.parseInput({ name: 3 })).toThrow(/input\.name: .*string/);
    expect(called).toBe(false);
    expect(action.parseInput({ name: 'a' })).toEqual({ name: 'a', times: 1 });
  });

  it('accepts JSON Schema and (z) => schema inputs', () => {
    const json = createAction({
      id: 'acme:json',
      schema: { input: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } },
      handler: (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<JsonObject>();
      },
    });
    expect(() => json.parseInput({})).toThrow(/input\.url: is required/);
    expect(() => json.parseInput({ url: 1 })).toThrow(/input\.url: must be string/);
    const fn = createAction({
      id: 'acme:fn',
      schema: { input: (zod) => zod.object({ a: zod.boolean() }) },
      handler: (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<{ a: boolean }>();
      },
    });
    // A record of zod schemas, and an explicit type parameter, which wins over the schema.
    createAction({ id: 'acme:rec', schema: { input: { n: z.number() } }, handler: (ctx) => {
      expectTypeOf(ctx.input).toEqualTypeOf<{ n: number }>();
    } });
    createAction<{ custom: true }>({ id: 'acme:explicit', schema: { input: { n: z.number() } }, handler: (ctx) => {
      expectTypeOf(ctx.input).toEqualTypeOf<{ custom: true }>();
    } });
    expect(() => fn.parseInput({ a: 'no' })).toThrow(/input\.a/);
  });

  it('rejects misuse at creation', () => {
    expect(() => createAction({ id: 'bad id!', handler: () => {} })).toThrow(/invalid action id/);
    expect(() => createAction({ id: 'ok', handler: undefined as never })).toThrow(/handler must be a function/);
  });
});

describe('fetch:template', () => {
  it('renders contents and names, skips empty paths, keeps binaries and modes', async () => {
    const png = Buffer.from([0x89, 0x50, 0x00, 0x01, ...Buffer.from('${{ values.name }}')]);
    const dir = await skeleton({
      'skel/${{ values.name }}/index.js': 'module.exports = "${{ values.name | upper }}";',
      'skel/{% if values.withDocs %}docs{% endif %}/index.md': '# docs',
      'skel/img.png': png,
      'skel/run.sh': '#!/bin/sh\necho ${{ values.name }}',
    });
    await import('node:fs/promises').then((fs) => fs.chmod(path.join(dir, 'skel/run.sh'), 0o755));
    const workspace = await tempDir();
    const { logs } = await runAction(byId('fetch:template'), { url: './skel', targetPath: 'out', values: { name: 'svc', withDocs: false } }, { workspace, baseDir: dir });
    expect(await readFile(path.join(workspace, 'out/svc/index.js'), 'utf8')).toBe('module.exports = "SVC";');
    expect(existsSync(path.join(workspace, 'out/docs'))).toBe(false);
    expect(logs.some((l) => l.includes('rendered empty'))).toBe(true);
    expect(Buffer.compare(await readFile(path.join(workspace, 'out/img.png')), png)).toBe(0);
    expect((await stat(path.join(workspace, 'out/run.sh'))).mode & 0o111).not.toBe(0);
    expect(await readFile(path.join(workspace, 'out/run.sh'), 'utf8')).toBe('#!/bin/sh\necho svc');
  });

  it('templateFileExtension renders only .njk files and strips the extension', async () => {
    const dir = await skeleton({ 'skel/a.txt.njk': 'a=${{ values.a }}', 'skel/b.txt': 'b=${{ values.a }}', 'skel/${{ values.a }}.md': 'x' });
    const workspace = await tempDir();
    await runAction(byId('fetch:template'), { url: './skel', values: { a: '1' }, templateFileExtension: true }, { workspace, baseDir: dir });
    expect((await readdir(workspace)).sort()).toEqual(['1.md', 'a.txt', 'b.txt']);
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('a=1');
    expect(await readFile(path.join(workspace, 'b.txt'), 'utf8')).toBe('b=${{ values.a }}');
    await expect(
      runAction(byId('fetch:template'), { url: './skel', templateFileExtension: '.njk', copyWithoutTemplating: ['x'] }, { workspace, baseDir: dir }),
    ).rejects.toThrow(/cannot be used together/);
  });

  it('copyWithoutTemplating keeps contents but renders names; copyWithoutRender keeps both, as in Backstage', async () => {
    const dir = await skeleton({
      'skel/raw/${{ values.name }}.txt': 'raw ${{ values.name }}',
      'skel/${{ values.name }}.html': '<p>${{ values.name }}</p>',
      'skel/rendered.txt': 'x=${{ values.name }}',
    });
    const withoutTemplating = await tempDir();
    await runAction(byId('fetch:template'), { url: './skel', values: { name: 'svc' }, copyWithoutTemplating: ['raw', '*.html'] }, { workspace: withoutTemplating, baseDir: dir });
    expect(await readFile(path.join(withoutTemplating, 'raw/svc.txt'), 'utf8')).toBe('raw ${{ values.name }}');
    expect(await readFile(path.join(withoutTemplating, 'svc.html'), 'utf8')).toBe('<p>${{ values.name }}</p>');
    expect(await readFile(path.join(withoutTemplating, 'rendered.txt'), 'utf8')).toBe('x=svc');

    const withoutRender = await tempDir();
    await runAction(byId('fetch:template'), { url: './skel', values: { name: 'svc' }, copyWithoutRender: ['raw'] }, { workspace: withoutRender, baseDir: dir });
    expect(await readFile(path.join(withoutRender, 'raw/${{ values.name }}.txt'), 'utf8')).toBe('raw ${{ values.name }}');
    expect(await readFile(path.join(withoutRender, 'svc.html'), 'utf8')).toBe('<p>svc</p>');
  });

  it('refuses templateFileExtension with cookiecutterCompat', async () => {
    const dir = await skeleton({ 'skel/a.njk': 'a' });
    await expect(
      runAction(byId('fetch:template'), { url: './skel', templateFileExtension: true, cookiecutterCompat: true }, { workspace: await tempDir(), baseDir: dir }),
    ).rejects.toThrow(/templateFileExtension cannot be used together with .*cookiecutterCompat/);
  });

  it('cookiecutterCompat renders {{ cookiecutter.x }} and jsonify', async () => {
    const dir = await skeleton({ 'skel/{{ cookiecutter.name }}.json': '{{ cookiecutter.tags | jsonify }}' });
    const workspace = await tempDir();
    await runAction(byId('fetch:template'), { url: './skel', cookiecutterCompat: true, values: { name: 'c', tags: ['a'] } }, { workspace, baseDir: dir });
    expect(await readFile(path.join(workspace, 'c.json'), 'utf8')).toBe('["a"]');
  });

  it('keeps existing files unless replace is set, and reads remote URLs through the reader', async () => {
    const workspace = await tempDir();
    await writeFile(path.join(workspace, 'f.txt'), 'old');
    const reader: UrlReader = {
      canRead: (url) => url.startsWith('https://git.example/'),
      read: async () => ({ buffer: Buffer.from(''), etag: '' }),
      readTree: async () => ({
        files: [],
        etag: 'e',
        async writeTo(target) {
          await mkdir(target, { recursive: true });
          await writeFile(path.join(target, 'f.txt'), 'new ${{ values.v }}');
        },
      }),
    };
    const action = byId('fetch:template', { reader });
    await runAction(action, { url: 'https://git.example/skel', values: { v: 1 } }, { workspace });
    expect(await readFile(path.join(workspace, 'f.txt'), 'utf8')).toBe('old');
    await runAction(action, { url: 'https://git.example/skel', values: { v: 1 }, replace: true }, { workspace });
    expect(await readFile(path.join(workspace, 'f.txt'), 'utf8')).toBe('new 1');
    await expect(runAction(action, { url: 'https://elsewhere.example/x' }, { workspace })).rejects.toThrow(/not allowed/);
    await expect(runAction(byId('fetch:template'), { url: 'https://git.example/skel' }, { workspace })).rejects.toThrow(/no UrlReader/);
  });

  it('never copies symlinks from the template', async () => {
    const dir = await skeleton({ 'skel/a.txt': 'a' });
    await symlink('/etc/passwd', path.join(dir, 'skel/passwd'));
    const workspace = await tempDir();
    await runAction(byId('fetch:template'), { url: './skel' }, { workspace, baseDir: dir });
    expect(await readdir(workspace)).toEqual(['a.txt']);
  });

  it('refuses a tree from the reader that carries a .git entry, before writing anything', async () => {
    let written = false;
    const reader: UrlReader = {
      canRead: () => true,
      read: async () => ({ buffer: Buffer.from(''), etag: '' }),
      readTree: async () => ({
        files: [{ path: 'README.md', content: async () => Buffer.from('') }, { path: 'sub/.Git/config', content: async () => Buffer.from('') }],
        etag: 'e',
        async writeTo() {
          written = true;
        },
      }),
    };
    const workspace = await tempDir();
    for (const id of ['fetch:plain', 'fetch:template']) {
      await expect(runAction(byId(id, { reader }), { url: 'https://git.example/skel' }, { workspace })).rejects.toThrow(
        expect.objectContaining({ name: 'NotAllowedError', message: expect.stringContaining('sub/.Git/config') }),
      );
    }
    expect(written).toBe(false);
    expect(await readdir(workspace)).toEqual([]);
  });
});

describe('other built-ins', () => {
  it('fetch:plain and fetch:plain:file copy untouched', async () => {
    const dir = await skeleton({ 'static/x.txt': '${{ values.no }}', 'LICENSE': 'MIT' });
    const workspace = await tempDir();
    await runAction(byId('fetch:plain'), { url: './static', targetPath: 'assets' }, { workspace, baseDir: dir });
    await runAction(byId('fetch:plain:file'), { url: './LICENSE', targetPath: 'legal/LICENSE' }, { workspace, baseDir: dir });
    expect(await readFile(path.join(workspace, 'assets/x.txt'), 'utf8')).toBe('${{ values.no }}');
    expect(await readFile(path.join(workspace, 'legal/LICENSE'), 'utf8')).toBe('MIT');
  });

  it('fs:rename and fs:delete work inside the workspace', async () => {
    const workspace = await skeleton({ 'a.txt': 'a', 'b.txt': 'b', 'tmp/x.log': 'x', 'keep/y.log': 'y' });
    await runAction(byId('fs:rename'), { files: [{ from: 'a.txt', to: 'sub/a.md' }] }, { workspace });
    await expect(runAction(byId('fs:rename'), { files: [{ from: 'b.txt', to: 'sub/a.md' }] }, { workspace })).rejects.toThrow(/already exists/);
    await runAction(byId('fs:rename'), { files: [{ from: 'b.txt', to: 'sub/a.md', overwrite: true }] }, { workspace });
    expect(await readFile(path.join(workspace, 'sub/a.md'), 'utf8')).toBe('b');
    await runAction(byId('fs:delete'), { files: ['tmp', '**/*.log'] }, { workspace });
    expect((await readdir(workspace)).sort()).toEqual(['keep', 'sub']);
    expect(await readdir(path.join(workspace, 'keep'))).toEqual([]);
  });

  it('catalog:write, catalog:register and catalog:fetch talk to the catalog', async () => {
    const workspace = await tempDir();
    await runAction(byId('catalog:write'), { entity: { kind: 'Component', metadata: { name: 'x' } } }, { workspace });
    expect(await readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8')).toBe('kind: Component\nmetadata:\n  name: x\n');
    const catalog = {
      ...fakeCatalog(),
      addLocation: async (location: { type: string; target: string }) => ({
        location,
        entities: [
          { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'generated-1' } },
          { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc', namespace: 'team' } },
        ],
      }),
      getEntityByRef: async (ref: string) => (ref === 'group:default/team' ? { apiVersion: 'v1', kind: 'Group', metadata: { name: 'team' } } : undefined),
    };
    const { outputs } = await runAction(byId('catalog:register', { catalog }), { repoContentsUrl: 'https://git.example/r/blob/main/' }, { workspace });
    expect(outputs).toEqual({ entityRef: 'component:team/svc', catalogInfoUrl: 'https://git.example/r/blob/main/catalog-info.yaml' });
    // The ref is the catalog's (Backstage's) string form: every part lower-cased.
    const mixed = { ...catalog, addLocation: async (location: { type: string; target: string }) => ({ location, entities: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'My-Svc', namespace: 'Team' } }] }) };
    expect((await runAction(byId('catalog:register', { catalog: mixed }), { catalogInfoUrl: 'u' }, { workspace })).outputs.entityRef).toBe('component:team/my-svc');
    const fetched = await runAction(byId('catalog:fetch', { catalog }), { entityRef: 'team', defaultKind: 'Group', entityRefs: ['group:team', 'group:nope'], optional: true }, { workspace });
    expect(fetched.outputs).toEqual({ entity: expect.objectContaining({ kind: 'Group' }), entities: [expect.objectContaining({ kind: 'Group' }), null] });
    await expect(runAction(byId('catalog:fetch', { catalog }), { entityRef: 'group:nope' }, { workspace })).rejects.toThrow(expect.objectContaining({ name: 'NotFoundError' }));
    await expect(runAction(byId('catalog:register'), { catalogInfoUrl: 'x' }, { workspace })).rejects.toThrow(/needs a catalog/);
    const failing = { ...catalog, addLocation: async () => Promise.reject(new Error('catalog down')) };
    const optional = await runAction(byId('catalog:register', { catalog: failing }), { catalogInfoUrl: 'u', optional: true }, { workspace });
    expect(optional.outputs).toEqual({ catalogInfoUrl: 'u' });
  });

  it('publish:git refuses non-local remotes', async () => {
    const workspace = await skeleton({ 'a.txt': 'a' });
    await expect(runAction(byId('publish:git'), { remoteUrl: 'https://github.com/o/r.git' }, { workspace })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('github.com'),
    });
    await expect(runAction(byId('publish:git'), { remoteUrl: 'git@github.com:o/r.git' }, { workspace })).rejects.toThrow(/pushes to local repositories/);
    await expect(runAction(byId('publish:git'), {}, { workspace })).rejects.toThrow(/exactly one of remoteUrl and repoUrl/);
    await expect(runAction(byId('publish:git'), { remoteUrl: '/tmp/x', defaultBranch: 'bad branch' }, { workspace })).rejects.toThrow(/input\.defaultBranch/);
  });

  it('publish:git keeps to its allowed roots and never takes over an existing directory', async () => {
    const workspace = await skeleton({ 'a.txt': 'a' });
    const roots = await tempDir('pk-remotes-');
    const elsewhere = await tempDir('pk-elsewhere-');
    const confined = byId('publish:git', { gitRemoteRoots: [roots] });
    await expect(runAction(confined, { remoteUrl: path.join(elsewhere, 'r.git') }, { workspace })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(runAction(confined, { remoteUrl: `${pathToFileURL(roots)}/../${path.basename(elsewhere)}/r.git` }, { workspace })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await symlink(elsewhere, path.join(roots, 'link'));
    await expect(runAction(confined, { remoteUrl: path.join(roots, 'link', 'r.git') }, { workspace })).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(await readdir(elsewhere)).toEqual([]);
    const { outputs } = await runAction(confined, { remoteUrl: pathToFileURL(path.join(roots, 'team', 'r.git')).toString() }, { workspace });
    expect(outputs.commitHash).toMatch(/^[0-9a-f]{40}$/);

    // Without roots, any new or repository path works, but a plain directory with files is left alone.
    await writeFile(path.join(elsewhere, 'notes.txt'), 'mine');
    await expect(runAction(byId('publish:git'), { remoteUrl: elsewhere }, { workspace: await skeleton({ 'b.txt': 'b' }) })).rejects.toThrow(/exists and is not a git repository/);
    expect(await readdir(elsewhere)).toEqual(['notes.txt']);
  });

  it('debug:log lists the workspace', async () => {
    const workspace = await skeleton({ 'a/b.txt': 'hello' });
    const { logs } = await runAction(byId('debug:log'), { message: 'hi', listWorkspace: 'with-contents' }, { workspace });
    expect(logs).toEqual(['hi', 'Workspace file a/b.txt:\nhello']);
  });
});
