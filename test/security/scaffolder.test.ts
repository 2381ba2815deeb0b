import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger, memorySink } from '@portalkit/core';
import {
  builtinActions,
  createAction,
  createScaffolder,
  memoryTaskStore,
  parseTemplate,
  postgresTaskStore,
  type TaskEvent,
  type TaskStore,
} from '@portalkit/scaffolder';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPrototypeClean } from '../support/typed.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();
let base: string;
let templateDir: string;
let outside: string;
let workingDirectory: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-scaffolder-'));
  templateDir = path.join(base, 'template');
  outside = path.join(base, 'outside');
  workingDirectory = path.join(base, 'work');
  await mkdir(path.join(templateDir, 'skeleton', 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'host-secret.txt'), 'HOST-FILE-CONTENT');
  await writeFile(path.join(templateDir, 'skeleton', 'README.md'), 'hello ${{ values.name }}');
  await writeFile(path.join(templateDir, 'skeleton', '${{ values.name }}.txt'), 'named');
  // Links in a skeleton pointing out of it must never be followed into the workspace.
  await symlink(path.join(outside, 'host-secret.txt'), path.join(templateDir, 'skeleton', 'leak.txt'));
  await symlink(outside, path.join(templateDir, 'skeleton', 'sub', 'leak-dir'));
  await symlink(outside, path.join(templateDir, 'linked-skeleton'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

const template = (steps: unknown[], output: Record<string, unknown> = {}) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'sec' },
    spec: { parameters: [], steps, output },
  });
const baseUrl = () => `${pathToFileURL(templateDir).toString()}/`;

async function events(task: { events(): AsyncIterable<TaskEvent> }): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  for await (const e of task.events()) out.push(e);
  return out;
}

describe('template sandbox', () => {
  const payloads = [
    "${{ range.constructor('return process')().mainModule }}",
    "${{ cycler.constructor('return process')() }}",
    "${{ joiner.constructor('return process')() }}",
    "${{ ''.constructor.constructor('return process')().env }}",
    "${{ parameters.constructor.constructor('return globalThis')() }}",
    "${{ [].map.constructor('return process')() }}",
    "${{ (range | dump).constructor }}",
    "{% set f = range %}${{ f.constructor('return process')() }}",
    "${{ parameters.__proto__.constructor.constructor('return process')() }}",
    "{% include '/etc/passwd' %}",
    "{% import '/etc/hostname' as h %}${{ h }}",
    "{% extends '/etc/passwd' %}",
  ];

  it.each(payloads)('never reaches host objects: %s', async (payload) => {
    const s = createScaffolder({ actions: builtinActions(), workingDirectory });
    const task = await s.run(template([{ id: 'log', action: 'debug:log', input: { message: payload } }], { leak: payload }));
    const result = await task.result;
    const everything = JSON.stringify([result, await events(task)]);
    // Either the render failed as an InputError, or it rendered nothing useful.
    if (result.status === 'failed') expect(result.error?.name).toBe('InputError');
    expect(everything).not.toMatch(/root:x:0|\[object process\]|PATH=|NODE_|function Function|\/usr\/bin/);
    expectPrototypeClean();
  });

  it('fetch:template renders skeleton files inside the sandbox too', async () => {
    await writeFile(path.join(templateDir, 'skeleton', 'sub', 'evil.txt'), "${{ range.constructor('return process')().pid }}");
    const s = createScaffolder({ actions: builtinActions(), workingDirectory });
    const task = await s.run(template([{ id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { name: 'x' } } }]), { baseUrl: baseUrl() });
    const result = await task.result;
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toMatch(/Failed to render sub\/evil\.txt/);
    await rm(path.join(templateDir, 'skeleton', 'sub', 'evil.txt'));
  });
});

describe('scaffolder actions stay inside the workspace', () => {
  const escapes: Array<[string, unknown[]]> = [
    ['fetch:template targetPath ../x', [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', targetPath: '../x', values: { name: 'a' } } }]],
    ['fetch:template targetPath absolute', [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', targetPath: '<outside>', values: { name: 'a' } } }]],
    ['fetch:template file name rendering to ../', [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { name: '../../../outside/pwned' } } }]],
    ['fetch:template skeleton symlinked out', [{ id: 'f', action: 'fetch:template', input: { url: './linked-skeleton', values: { name: 'a' } } }]],
    ['fetch:plain from ../', [{ id: 'f', action: 'fetch:plain', input: { url: '../outside' } }]],
    ['fetch:plain:file absolute file URL', [{ id: 'f', action: 'fetch:plain:file', input: { url: 'file:///etc/passwd', targetPath: 'x' } }]],
    ['fs:rename to absolute', [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { name: 'a' } } }, { id: 'r', action: 'fs:rename', input: { files: [{ from: 'README.md', to: '<outside>/moved.md' }] } }]],
    ['fs:rename from outside', [{ id: 'r', action: 'fs:rename', input: { files: [{ from: '../outside/host-secret.txt', to: 'stolen.txt' }] } }]],
    ['fs:delete outside', [{ id: 'd', action: 'fs:delete', input: { files: ['../outside/host-secret.txt'] } }]],
    ['catalog:write absolute', [{ id: 'w', action: 'catalog:write', input: { filePath: '<outside>/c.yaml', entity: { a: 1 } } }]],
  ];

  it.each(escapes)('%s is refused', async (_name, steps) => {
    const s = createScaffolder({ actions: builtinActions(), workingDirectory });
    const resolved = JSON.parse(JSON.stringify(steps).replaceAll('<outside>', outside));
    const task = await s.run(template(resolved), { baseUrl: baseUrl() });
    const result = await task.result;
    expect(result.status, JSON.stringify(result)).toBe('failed');
    expect(result.error?.name).toMatch(/NotAllowedError|InputError/);
    expect((await readdir(outside)).sort()).toEqual(['host-secret.txt']);
    expect(JSON.stringify(await events(task))).not.toContain('HOST-FILE-CONTENT');
  });

  it('copies a skeleton with links out of it without following them', async () => {
    const seen: string[] = [];
    const list = createAction({
      id: 'test:list',
      async handler(ctx) {
        const walk = async (dir: string, prefix = ''): Promise<void> => {
          for (const e of await readdir(dir, { withFileTypes: true })) {
            seen.push(`${prefix}${e.name}${e.isSymbolicLink() ? '@' : ''}`);
            if (e.isDirectory()) await walk(path.join(dir, e.name), `${prefix}${e.name}/`);
          }
        };
        await walk(ctx.workspacePath);
      },
    });
    const t = await createScaffolder({ actions: [...builtinActions(), list], workingDirectory }).run(
      template([
        { id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { name: 'svc' } } },
        { id: 'p', action: 'fetch:plain', input: { url: './skeleton', targetPath: 'plain' } },
        { id: 'l', action: 'test:list' },
      ]),
      { baseUrl: baseUrl() },
    );
    expect((await t.result).status).toBe('completed');
    expect(seen.sort()).toEqual(['README.md', 'plain', 'plain/${{ values.name }}.txt', 'plain/README.md', 'plain/sub', 'sub', 'svc.txt'].sort());
  });

  it('refuses to write through a dangling symlink planted in the workspace', async () => {
    const planter = createAction({
      id: 'test:plant',
      async handler(ctx) {
        await symlink(path.join(outside, 'created-through-link.md'), path.join(ctx.workspacePath, 'README.md'));
      },
    });
    const s = createScaffolder({ actions: [...builtinActions(), planter], workingDirectory });
    const task = await s.run(
      template([
        { id: 'p', action: 'test:plant' },
        { id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { name: 'a' }, replace: true } },
      ]),
      { baseUrl: baseUrl() },
    );
    const result = await task.result;
    expect(existsSync(path.join(outside, 'created-through-link.md'))).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
  });
});

const SECRET = 'sup3r-s3cret"tok/en+=';
const secretVariants = [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64')];

const leaky = createAction({
  id: 'test:leaky',
  async handler(ctx) {
    const token = ctx.secrets.token!;
    ctx.logger.info(`token is ${token}`);
    ctx.logger.info('as json', { body: JSON.stringify({ token }) });
    ctx.logger.info(`remote https://x-access-token:${encodeURIComponent(token)}@git.example.com/repo.git`);
    ctx.logger.info(`basic ${Buffer.from(token).toString('base64')}`);
    ctx.output('echo', `out ${token}`);
    throw new Error(`request failed for ${JSON.stringify({ token })}`, { cause: new Error(`inner ${token}`) });
  },
});
const leakTemplate = template(
  [
    { id: 'log', action: 'debug:log', input: { message: 'upper ${{ secrets.token | upper }} and ${{ secrets.token }}' } },
    { id: 'leak', action: 'test:leaky' },
  ],
  { token: '${{ secrets.token }}' },
);

async function runLeaky(taskStore: TaskStore) {
  const sink = memorySink();
  const logger = createLogger({ level: 'debug', sink });
  const s = createScaffolder({ actions: [...builtinActions(), leaky], taskStore, workingDirectory, logger });
  const task = await s.run(leakTemplate, { secrets: { token: SECRET } });
  const result = await task.result;
  return { task, result, logs: JSON.stringify(sink.records) };
}

function expectNoSecret(text: string) {
  for (const variant of secretVariants) expect(text).not.toContain(variant);
  expect(text).not.toContain(SECRET.toUpperCase());
}

describe('secrets never leave the worker', () => {
  it('memory task store: not in events, results, errors, host logs or store rows', async () => {
    const store = memoryTaskStore();
    const { task, result, logs } = await runLeaky(store);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/request failed/);
    expectNoSecret(JSON.stringify(result));
    expectNoSecret(JSON.stringify(await events(task)));
    expectNoSecret(logs);
    expectNoSecret(JSON.stringify([await store.getTask(task.id), await store.listEvents({ taskId: task.id }), await store.list()]));
  });

  (skip ? it.skip : it)(`PostgreSQL task store: not in any row of its schema${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const schema = randomSchema();
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    try {
      const { result } = await runLeaky(store);
      expect(result.status).toBe('failed');
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
        expect(tables.rows.length).toBeGreaterThan(0);
        for (const { table_name } of tables.rows) {
          const rows = await client.query(`SELECT * FROM "${schema}"."${table_name}"`);
          expectNoSecret(JSON.stringify(rows.rows));
        }
      } finally {
        await client.end();
      }
    } finally {
      await store.close?.();
      await dropSchema(schema);
    }
  });
});
