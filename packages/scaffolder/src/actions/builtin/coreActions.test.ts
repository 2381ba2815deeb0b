import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import type { ActionContext, ScaffolderAction } from '../../types.js';
import { tempDir } from '../../test-support.js';
import { builtinActions } from './index.js';
import { createFsReaddirAction, maxReaddirEntries } from './fsReaddir.js';
import { createCatalogTimestampingAction, maxEntityFileBytes } from './catalogAnnotate.js';
import { maxTemplateFileBytes } from './renderTemplateFile.js';

// The actions Backstage's scaffolder-backend ships that were added with issue #22:
// fetch:template:file, workspace:template, workspace:template:file, fs:readdir, debug:wait.

async function run(action: ScaffolderAction, input: unknown, options: { workspace: string; baseDir?: string; signal?: AbortSignal }) {
  const sink = memorySink();
  const outputs: Record<string, unknown> = {};
  const redacted: string[] = [];
  const ctx: ActionContext<unknown> = {
    input: action.parseInput(input),
    workspacePath: options.workspace,
    logger: createLogger({ sink, level: 'debug' }),
    output: (name, value) => void (outputs[name] = value),
    createTemporaryDirectory: () => tempDir('pk-step-'),
    secrets: {},
    redact: (values) => void redacted.push(...(typeof values === 'string' ? [values] : values)),
    signal: options.signal ?? new AbortController().signal,
    isDryRun: false,
    templateInfo: { entityRef: 'template:default/t', ...(options.baseDir ? { baseUrl: `${pathToFileURL(options.baseDir).toString()}/` } : {}) },
    step: { id: 's' },
    task: { id: 't' },
  };
  await action.handler(ctx);
  return { outputs, logs: sink.records.map((r) => r.message), redacted };
}

const byId = (id: string, options = {}) => {
  const action = builtinActions(options).find((a) => a.id === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
};

async function files(root: string, contents: Record<string, string>) {
  for (const [name, text] of Object.entries(contents)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

describe('fetch:template:file', () => {
  it('renders one file of the template into targetPath and keeps an existing file unless replace', async () => {
    const template = await tempDir();
    const workspace = await tempDir();
    await files(template, { 'skeleton/README.md': '# ${{ values.name }}\n{% if values.on %}on{% endif %}\n', 'raw.txt': '{{ cookiecutter.name }}' });
    const action = byId('fetch:template:file');
    await run(action, { url: './skeleton/README.md', targetPath: 'docs/README.md', values: { name: 'app', on: true } }, { workspace, baseDir: template });
    expect(await readFile(path.join(workspace, 'docs/README.md'), 'utf8')).toBe('# app\non\n');

    const kept = await run(action, { url: './skeleton/README.md', targetPath: 'docs/README.md', values: { name: 'other' } }, { workspace, baseDir: template });
    expect(await readFile(path.join(workspace, 'docs/README.md'), 'utf8')).toBe('# app\non\n');
    expect(kept.logs.join('\n')).toMatch(/already exists in workspace, not replacing/);
    await run(action, { url: './skeleton/README.md', targetPath: 'docs/README.md', values: { name: 'other' }, replace: true }, { workspace, baseDir: template });
    expect(await readFile(path.join(workspace, 'docs/README.md'), 'utf8')).toMatch(/^# other/);

    await run(action, { url: './raw.txt', targetPath: 'raw.txt', values: { name: 'cc' }, cookiecutterCompat: true }, { workspace, baseDir: template });
    expect(await readFile(path.join(workspace, 'raw.txt'), 'utf8')).toBe('cc');
  });

  it('refuses bad input: escapes, .git, missing or outside files, directories, huge files, bad templates', async () => {
    const template = await tempDir();
    const outside = await tempDir();
    const workspace = await tempDir();
    await files(template, { 'a.txt': 'x', 'bad.txt': '${{ values.x | nope }}', 'dir/b.txt': 'y' });
    await files(outside, { 'secret.txt': 'host secret' });
    await writeFile(path.join(template, 'huge.txt'), Buffer.alloc(maxTemplateFileBytes + 1, 'a'));
    await symlink(path.join(outside, 'secret.txt'), path.join(template, 'link.txt'));
    await mkdir(path.join(workspace, 'taken'));
    const action = byId('fetch:template:file');
    const go = (input: Record<string, unknown>) => run(action, { values: {}, ...input }, { workspace, baseDir: template });
    await expect(go({ url: './a.txt', targetPath: '../escape.txt' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ url: './a.txt', targetPath: '/etc/x' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ url: './a.txt', targetPath: '.git/config' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ url: '../../etc/passwd', targetPath: 'p' })).rejects.toThrow();
    await expect(go({ url: './link.txt', targetPath: 'l' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ url: './missing.txt', targetPath: 'm' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ url: './dir', targetPath: 'd' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ url: './a.txt', targetPath: 'taken', replace: true })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('directory') });
    await expect(go({ url: './huge.txt', targetPath: 'h' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('bytes') });
    await expect(go({ url: './bad.txt', targetPath: 'b' })).rejects.toMatchObject({ name: 'InputError' });
    expect(() => action.parseInput({ url: '', targetPath: 'x' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => action.parseInput({ url: './a.txt' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => action.parseInput({ url: './a.txt', targetPath: 'x', values: 'no' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    // Nothing was written outside the workspace or where a refusal happened.
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('host secret');
    await expect(readFile(path.join(workspace, 'l'))).rejects.toThrow();
    await expect(readFile(path.join(workspace, 'p'))).rejects.toThrow();
  });

  it('cannot reach the host through the sandboxed renderer', async () => {
    const template = await tempDir();
    const workspace = await tempDir();
    await files(template, { 'evil.txt': "${{ values.constructor.constructor('return process')().env.HOME }}" });
    await expect(run(byId('fetch:template:file'), { url: './evil.txt', targetPath: 'e', values: { a: 1 } }, { workspace, baseDir: template })).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});

describe('workspace:template and workspace:template:file', () => {
  it('render a skeleton already in the workspace into another place of it', async () => {
    const workspace = await tempDir();
    await files(workspace, {
      'skeleton/${{ values.name }}.md': 'name: ${{ values.name }}',
      'skeleton/static/keep.txt': '${{ not rendered }}',
      'single.txt': 'hello ${{ values.who }}',
    });
    await run(byId('workspace:template'), { sourcePath: 'skeleton', targetPath: 'out', values: { name: 'svc' }, copyWithoutTemplating: ['static'] }, { workspace });
    expect(await readFile(path.join(workspace, 'out/svc.md'), 'utf8')).toBe('name: svc');
    expect(await readFile(path.join(workspace, 'out/static/keep.txt'), 'utf8')).toBe('${{ not rendered }}');

    await run(byId('workspace:template:file'), { sourcePath: 'single.txt', targetPath: 'out/single.txt', values: { who: 'you' } }, { workspace });
    expect(await readFile(path.join(workspace, 'out/single.txt'), 'utf8')).toBe('hello you');
    // Without values: rendered with an empty `values`.
    await writeFile(path.join(workspace, 'plain.txt'), 'no expressions');
    await run(byId('workspace:template:file'), { sourcePath: 'plain.txt', targetPath: 'out/plain.txt' }, { workspace });
    expect(await readFile(path.join(workspace, 'out/plain.txt'), 'utf8')).toBe('no expressions');
  });

  it('refuse overlapping, escaping, linked-out and missing paths', async () => {
    const workspace = await tempDir();
    const outside = await tempDir();
    await files(workspace, { 'skeleton/a.txt': 'a', 'one.txt': '1' });
    await files(outside, { 'host.txt': '${{ values.x }}', 'dir/f.txt': 'f' });
    await symlink(path.join(outside, 'host.txt'), path.join(workspace, 'host-link.txt'));
    await symlink(path.join(outside, 'dir'), path.join(workspace, 'host-dir'));
    const tpl = byId('workspace:template');
    const file = byId('workspace:template:file');
    const go = (action: ScaffolderAction, input: Record<string, unknown>) => run(action, input, { workspace });
    await expect(go(tpl, { sourcePath: 'skeleton', targetPath: 'skeleton/out' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('overlap') });
    await expect(go(tpl, { sourcePath: 'skeleton', targetPath: '.' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go(tpl, { sourcePath: 'skeleton', targetPath: 'skeleton' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go(tpl, { sourcePath: '..', targetPath: 'out' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(tpl, { sourcePath: 'host-dir', targetPath: 'out' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(tpl, { sourcePath: 'missing', targetPath: 'out' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go(tpl, { sourcePath: 'one.txt', targetPath: 'out' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go(tpl, { sourcePath: 'skeleton', targetPath: '../out' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(file, { sourcePath: 'host-link.txt', targetPath: 'x.txt', values: { x: 1 } })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(file, { sourcePath: '/etc/passwd', targetPath: 'x.txt' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(file, { sourcePath: 'one.txt', targetPath: '../x.txt' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go(file, { sourcePath: 'skeleton', targetPath: 'x.txt' })).rejects.toMatchObject({ name: 'InputError' });
    expect(() => file.parseInput({ sourcePath: 'one.txt' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => tpl.parseInput({ sourcePath: 1, targetPath: 'x' })).toThrow(expect.objectContaining({ name: 'InputError' }));
  });
});

describe('fs:readdir', () => {
  it("lists files and folders with Backstage's output shape, recursively when asked, never through links", async () => {
    const workspace = await tempDir();
    const outside = await tempDir();
    await files(workspace, { 'a.txt': 'a', 'src/b.ts': 'b', 'src/deep/c.ts': 'c' });
    await files(outside, { 'host.txt': 'h' });
    await symlink(outside, path.join(workspace, 'src/out'));
    const action = byId('fs:readdir');
    const flat = await run(action, { paths: ['.'] }, { workspace });
    const names = (list: unknown) => (list as Array<{ path: string }>).map((e) => e.path).sort();
    expect(names(flat.outputs.files)).toEqual(['a.txt']);
    expect(names(flat.outputs.folders)).toEqual(['src']);
    expect(flat.outputs.files).toEqual([{ name: 'a.txt', path: 'a.txt', fullPath: path.join(workspace, 'a.txt') }]);

    const deep = await run(action, { paths: ['src'], recursive: true }, { workspace });
    // The link is listed as an entry but not entered: nothing of `outside` appears.
    expect(names(deep.outputs.files)).toEqual(['src/b.ts', 'src/deep/c.ts', 'src/out']);
    expect(names(deep.outputs.folders)).toEqual(['src/deep']);
    expect(action.schema.output).toMatchObject({ properties: { files: { type: 'array' }, folders: { type: 'array' } } });
  });

  it('refuses escapes, links out, missing paths, files and trees over the bound', async () => {
    const workspace = await tempDir();
    const outside = await tempDir();
    await files(workspace, { 'a.txt': 'a' });
    await symlink(outside, path.join(workspace, 'out'));
    const action = byId('fs:readdir');
    const go = (input: unknown) => run(action, input, { workspace });
    await expect(go({ paths: ['..'] })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ paths: ['/'] })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ paths: ['out'] })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ paths: ['missing'] })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('ENOENT') });
    await expect(go({ paths: ['a.txt'] })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('ENOTDIR') });
    expect(() => action.parseInput({ paths: [''] })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => action.parseInput({ paths: 'src' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => action.parseInput({})).toThrow(expect.objectContaining({ name: 'InputError' }));
    // The bound, streamed: the default (10,000) is the same code with another number.
    expect(maxReaddirEntries).toBe(10_000);
    const many = await tempDir();
    await Promise.all(Array.from({ length: 6 }, (_, i) => writeFile(path.join(many, `f${i}`), '')));
    const small = createFsReaddirAction({ maxEntries: 5 });
    await expect(run(small, { paths: ['.'] }, { workspace: many })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('more than 5') });
    expect((await run(createFsReaddirAction({ maxEntries: 6 }), { paths: ['.'] }, { workspace: many })).outputs.files).toHaveLength(6);
  });
});

describe('debug:wait', () => {
  it('waits the sum of its amounts, ends early on cancel, and refuses waits over the maximum', async () => {
    const action = byId('debug:wait', { maxWaitMs: 200 });
    const workspace = await tempDir();
    const started = Date.now();
    await run(action, { milliseconds: 60, seconds: 0.04 }, { workspace });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);

    const cancel = new AbortController();
    const waiting = run(byId('debug:wait', { maxWaitMs: 3_600_000 }), { minutes: 60 }, { workspace, signal: cancel.signal });
    cancel.abort();
    await expect(waiting).resolves.toBeDefined();

    await expect(run(action, { seconds: 1 }, { workspace })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('maximum') });
    await expect(run(byId('debug:wait'), { minutes: 1 }, { workspace })).rejects.toMatchObject({ name: 'InputError' });
    for (const bad of [{ seconds: -1 }, { seconds: 'ten' }, { milliseconds: Number.POSITIVE_INFINITY }, { minutes: null }]) {
      expect(() => action.parseInput(bad)).toThrow(expect.objectContaining({ name: 'InputError' }));
    }
    expect(() => builtinActions({ maxWaitMs: -1 })).toThrow(/createDebugWaitAction/);
    expect(action.supportsDryRun).toBe(false);
  });
});

describe('catalog:annotate and catalog:timestamping', () => {
  const entity = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  labels: { a: "1" }\nspec:\n  type: service\n';

  it('merge labels, annotations and spec into the workspace entity and output it', async () => {
    const workspace = await tempDir();
    await files(workspace, { 'catalog-info.yaml': entity });
    const annotated = await run(byId('catalog:annotate'), { labels: { tier: 'gold' }, annotations: { 'acme.com/team': 'payments' }, spec: { lifecycle: 'production' } }, { workspace });
    const written = await readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8');
    expect(annotated.outputs.annotatedObject).toBe(written);
    expect(written).toContain('tier: gold');
    expect(written).toContain('a: \'1\'');
    expect(written).toContain('acme.com/team: payments');
    expect(written).toContain('lifecycle: production');
    expect(written).toContain('type: service');

    const at = new Date('2026-01-02T03:04:05.000Z');
    await run(createCatalogTimestampingAction({ now: () => at }), { writeToFile: 'out/entity.yaml', objectYaml: { kind: 'Component', metadata: { name: 'x' } } }, { workspace });
    expect(await readFile(path.join(workspace, 'out/entity.yaml'), 'utf8')).toContain("backstage.io/createdAt: '2026-01-02T03:04:05.000Z'");
    // Nothing to add: nothing written, the entity still output.
    const none = await run(byId('catalog:annotate'), { entityFilePath: 'out/entity.yaml', writeToFile: 'untouched.yaml' }, { workspace });
    expect(none.outputs.annotatedObject).toContain('name: x');
    await expect(readFile(path.join(workspace, 'untouched.yaml'))).rejects.toThrow();
  });

  it('refuse bad input: escaping paths, links out, .git, non-entities, bad YAML, huge files, wrong types', async () => {
    const workspace = await tempDir();
    const outside = await tempDir();
    await files(workspace, { 'catalog-info.yaml': entity, 'list.yaml': '- a\n- b\n', 'bad.yaml': 'a: [', 'nometa.yaml': 'kind: Component\n' });
    await files(outside, { 'host.yaml': entity });
    await symlink(path.join(outside, 'host.yaml'), path.join(workspace, 'host-link.yaml'));
    await writeFile(path.join(workspace, 'huge.yaml'), `a: "${'x'.repeat(maxEntityFileBytes)}"`);
    const action = byId('catalog:annotate');
    const go = (input: unknown) => run(action, input, { workspace });
    const add = { labels: { x: 'y' } };
    await expect(go({ ...add, entityFilePath: '../x.yaml' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ ...add, entityFilePath: 'host-link.yaml' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ ...add, writeToFile: '../out.yaml' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ ...add, writeToFile: '.git/config' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ ...add, writeToFile: 'host-link.yaml' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(go({ ...add, entityFilePath: 'list.yaml' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ ...add, entityFilePath: 'nometa.yaml' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ ...add, entityFilePath: 'bad.yaml' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ ...add, entityFilePath: 'huge.yaml' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ ...add, entityFilePath: 'missing.yaml' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(go({ ...add, objectYaml: { metadata: 'no' } })).rejects.toMatchObject({ name: 'InputError' });
    expect(() => action.parseInput({ labels: { a: 1 } })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => action.parseInput({ objectYaml: 'kind: x' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(await readFile(path.join(outside, 'host.yaml'), 'utf8')).toBe(entity);
    expect(await readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8')).toBe(entity);
  });
});
