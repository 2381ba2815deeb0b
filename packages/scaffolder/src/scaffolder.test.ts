import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinActions, createAction, createScaffolder, loadTemplate, memoryTaskStore, parseTemplate, RECOVERED_MESSAGE, templateBaseUrl } from './index.js';
import type { Scaffolder, TaskEvent, TaskStore } from './index.js';
import { fakeCatalog, fixturesDir, gitShow, run, tempDir } from './test-support.js';

const templatePath = path.join(fixturesDir, 'node-service', 'template.yaml');

let root: string;
let workingDirectory: string;
beforeEach(async () => {
  root = await tempDir();
  workingDirectory = path.join(root, 'work');
});

async function collect(events: AsyncIterable<TaskEvent>): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const inline = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'inline' },
    spec: { parameters: [], steps, ...extra },
  });

describe('node-service template, end to end', () => {
  it('renders the skeleton, publishes to a bare repo and registers it', async () => {
    const catalog = fakeCatalog();
    const scaffolder = createScaffolder({ actions: builtinActions({ catalog }), workingDirectory });
    const remote = path.join(root, 'remotes', 'my-service.git');
    const template = await loadTemplate(templatePath);
    const task = await scaffolder.run(template, {
      values: { name: 'my-service', owner: 'group:default/platform', remoteUrl: pathToFileURL(remote).toString(), features: ['metrics', 'tracing'] },
      user: { ref: 'user:default/jane' },
    });
    const result = await task.result;
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(task.status).toBe('completed');

    // The published repository holds the rendered skeleton.
    const pkg = JSON.parse((await gitShow(remote, 'main:package.json')) as string);
    expect(pkg).toMatchObject({ name: 'my-service', description: 'A Node.js service' });
    expect(await gitShow(remote, 'main:src/index.js')).toContain("process.env.PORT ?? 3000");
    expect(await gitShow(remote, 'main:src/my-service.js')).toContain("service: 'my-service', metrics: true");
    expect(await gitShow(remote, 'main:my-service-docs/index.md')).toBe('# my-service\n\nA Node.js service\n\n- metrics\n- tracing\n\n');
    expect(await gitShow(remote, 'main:static/raw.txt')).toContain('${{ values.name }} stays as written');
    const logo = await gitShow(remote, 'main:logo.png', 'buffer');
    expect(Buffer.compare(logo as Buffer, await readFile(path.join(fixturesDir, 'node-service/skeleton/logo.png')))).toBe(0);
    const { stdout: files } = await run('git', ['--git-dir', remote, 'ls-tree', '-r', '--name-only', 'main']);
    expect(files.trim().split('\n').sort()).toEqual(
      ['.gitignore', 'catalog-info.yaml', 'logo.png', 'my-service-docs/index.md', 'package.json', 'src/index.js', 'src/my-service.js', 'static/raw.txt'].sort(),
    );
    const entity = yaml.load((await gitShow(remote, 'main:catalog-info.yaml')) as string);
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'my-service', description: 'A Node.js service', annotations: { 'portalkit.dev/port': 'port-3000' } },
      spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/platform' },
    });
    const { stdout: message } = await run('git', ['--git-dir', remote, 'log', '-1', '--format=%s %an']);
    expect(message.trim()).toBe('Create my-service Scaffolder');

    // The catalog got the location and the output points at the entity.
    expect(catalog.locations).toEqual([{ type: 'url', target: `${pathToFileURL(remote)}/blob/main/catalog-info.yaml` }]);
    const { stdout: hash } = await run('git', ['--git-dir', remote, 'rev-parse', 'main']);
    expect(result.output).toEqual({
      links: [
        { title: 'Repository', url: pathToFileURL(remote).toString() },
        { title: 'Open in catalog', icon: 'catalog', entityRef: 'component:default/my-service' },
      ],
      text: [{ title: 'Commit', content: hash.trim() }],
    });

    // Events: every step began and finished, `each` ran per item, completion last; replay works.
    const events = await collect(task.events());
    const messages = events.map((e) => e.body.message);
    for (const name of ['Fetch skeleton', 'Rename dotfiles', 'Log features', 'Write catalog-info.yaml', 'Publish', 'Register']) {
      expect(messages).toContain(`Beginning step ${name}`);
      expect(messages).toContain(`Finished step ${name}`);
    }
    expect(messages).toContain('Enabled feature metrics');
    expect(messages).toContain('Enabled feature tracing');
    expect(events.at(-1)).toMatchObject({ type: 'completion', body: { status: 'completed' } });
    expect((await collect(task.events({ after: events[2]!.id }))).length).toBe(events.length - 3);

    // Nothing is left in the working directory.
    expect(await readdir(workingDirectory)).toEqual([]);
    const stored = await task.get();
    expect(stored.createdBy).toBe('user:default/jane');
  });

  it('dry-runs: only dry-run actions run, files are reported, nothing is published', async () => {
    const catalog = fakeCatalog();
    const scaffolder = createScaffolder({ actions: builtinActions({ catalog }), workingDirectory });
    const remote = path.join(root, 'dry.git');
    const template = await loadTemplate(templatePath);
    // dryRun() ignores location annotations (a client's template); the host names the base itself.
    const result = await scaffolder.dryRun(template, {
      values: { name: 'dry', owner: 'group:default/platform', remoteUrl: remote },
      baseUrl: templateBaseUrl(template)!,
    });
    expect(result.status).toBe('completed');
    const paths = result.directoryContents.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'src/dry.js', 'catalog-info.yaml', '.gitignore', 'logo.png']));
    const pkg = result.directoryContents.find((f) => f.path === 'package.json')!;
    expect(JSON.parse(Buffer.from(pkg.base64Content!, 'base64').toString()).name).toBe('dry');
    const logs = result.log.map((l) => l.body.message);
    expect(logs).toContain('Skipping because publish:git does not support dry-run');
    expect(logs).toContain('Skipping because catalog:register does not support dry-run');
    expect(existsSync(remote)).toBe(false);
    expect(catalog.locations).toEqual([]);
    expect(result.steps.map((s) => s.id)).toEqual(['fetch', 'rename', 'feature', 'catalog', 'publish', 'register']);
    // Skipped steps get example outputs, so later templates still render.
    expect(result.output).toMatchObject({ links: [{ url: '<example>' }, { entityRef: '<example>' }] });
    expect(await readdir(workingDirectory)).toEqual([]);
  });

  it('dry-runs templates given as directory contents, like the Backstage editor', async () => {
    const scaffolder = createScaffolder({ actions: builtinActions(), workingDirectory });
    const template = inline([{ id: 'f', action: 'fetch:template', input: { url: './skel', values: { who: 'world' } } }]);
    const result = await scaffolder.dryRun(template, {
      directoryContents: [{ path: 'skel/hello.txt', base64Content: Buffer.from('hello ${{ values.who }}').toString('base64') }],
    });
    expect(result.directoryContents.map((f) => [f.path, Buffer.from(f.base64Content!, 'base64').toString()])).toEqual([['hello.txt', 'hello world']]);
    await expect(scaffolder.dryRun(template, { directoryContents: [{ path: '../evil.txt', base64Content: '' }] })).rejects.toThrow(/outside/);
  });
});

describe('task errors', () => {
  let scaffolder: Scaffolder;
  beforeEach(() => {
    scaffolder = createScaffolder({ actions: builtinActions(), workingDirectory });
  });

  it('rejects bad templates listing every problem with its path', async () => {
    const text = `apiVersion: scaffolder.backstage.io/v1beta2
kind: Template
metadata:
  name: bad name
spec:
  parameters:
    - properties: 3
  steps:
    - id: a
      action: debug:log
    - id: a
      input: []
  output:
    links: [{ title: nowhere }]
`;
    const error = await scaffolder.run(text).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InputError' });
    const message = (error as Error).message;
    for (const fragment of [
      'apiVersion: must be "scaffolder.backstage.io/v1beta3"',
      'metadata.name: "bad name" is not a valid entity name',
      'spec.parameters[0].properties: must be an object',
      'spec.steps[1].id: duplicate step id "a"',
      'spec.steps[1].action: is required',
      'spec.steps[1].input: must be an object',
      'spec.output.links[0]: needs a url or an entityRef',
    ]) {
      expect(message).toContain(fragment);
    }
    expect(() => parseTemplate('a: [b', { source: 'template.yaml' })).toThrow(/template\.yaml:\d+:\d+: unexpected end/);
    expect((await scaffolder.listTasks()).totalTasks).toBe(0);
  });

  it('rejects bad values naming each field', async () => {
    const template = await loadTemplate(templatePath);
    const error = await scaffolder.run(template, { values: { name: 'Bad Name', port: 'x', features: ['nope'] } }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InputError' });
    const message = (error as Error).message;
    expect(message).toContain('parameters.name: must match pattern');
    expect(message).toContain('parameters.owner: is required');
    expect(message).toContain('parameters.remoteUrl: is required');
    expect(message).toContain('parameters.port: must be integer');
    expect(message).toContain('parameters.features.0: must be one of "metrics", "tracing"');
  });

  it('validates values against every page, with dependencies and oneOf, and applies top-level defaults', async () => {
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'conditional' },
      spec: {
        parameters: [
          {
            title: 'Hosting',
            required: ['hosting'],
            properties: { hosting: { type: 'string', enum: ['cloud', 'onprem'], 'ui:widget': 'radio' }, tier: { type: 'string', default: 'standard' } },
            dependencies: {
              hosting: {
                oneOf: [
                  { properties: { hosting: { const: 'cloud' }, region: { type: 'string' } } },
                  { properties: { hosting: { const: 'onprem' }, rack: { type: 'integer' } }, required: ['rack'] },
                ],
              },
            },
          },
          { title: 'Team', required: ['team'], properties: { team: { type: 'string' } } },
        ],
        steps: [{ id: 'log', action: 'debug:log', input: { message: '${{ parameters.hosting }} ${{ parameters.tier }}' } }],
        output: { tier: '${{ parameters.tier }}' },
      },
    });
    const onprem = await scaffolder.run(template, { values: { hosting: 'onprem', rack: 'top' } }).catch((e: Error) => e);
    expect(onprem).toMatchObject({ name: 'InputError' });
    expect((onprem as Error).message).toContain('parameters.rack: must be integer');
    expect((onprem as Error).message).toContain('parameters.team: is required');
    const missingRack = await scaffolder.run(template, { values: { hosting: 'onprem', team: 'a' } }).catch((e: Error) => e);
    expect((missingRack as Error).message).toContain('parameters.rack: is required');
    expect((await scaffolder.listTasks()).totalTasks).toBe(0);

    const wrongBranch = await scaffolder.run(template, { values: { hosting: 'cloud', region: 7, team: 'a' } }).catch((e: Error) => e);
    expect((wrongBranch as Error).message).toContain('parameters.region: must be string');
    expect((await scaffolder.listTasks()).totalTasks).toBe(0);

    const task = await scaffolder.run(template, { values: { hosting: 'cloud', region: 'eu', team: 'a' } });
    const result = await task.result;
    expect(result).toMatchObject({ status: 'completed', output: { tier: 'standard' } });
    expect((await task.get()).spec.parameters).toEqual({ hosting: 'cloud', region: 'eu', team: 'a', tier: 'standard' });
  });

  it('fails a task whose action throws, stops there and cleans the workspace', async () => {
    let ranAfter = false;
    const boom = createAction({ id: 'test:boom', async handler(ctx) {
      await writeFile(path.join(ctx.workspacePath, 'partial.txt'), 'x');
      throw new Error('the disk is on fire');
    } });
    const after = createAction({ id: 'test:after', async handler() { ranAfter = true; } });
    const s = createScaffolder({ actions: [boom, after], workingDirectory });
    const task = await s.run(inline([{ id: 'one', action: 'test:boom' }, { id: 'two', action: 'test:after' }]));
    const result = await task.result;
    expect(result).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'the disk is on fire' } });
    expect(ranAfter).toBe(false);
    const events = await collect(task.events());
    expect(events.find((e) => e.body.status === 'failed')).toMatchObject({ body: { stepId: 'one', message: 'Error: the disk is on fire' } });
    expect(await readdir(workingDirectory)).toEqual([]);
  });

  it('fails on unknown actions and invalid action input, naming the field', async () => {
    // Unknown actions are refused when the task is created, before anything is stored.
    await expect(scaffolder.run(inline([{ id: 'x', action: 'nope:nope' }]))).rejects.toThrow(
      'Invalid template template:default/inline:\n  - steps[0] (id: x).action: action `nope:nope` is not registered',
    );
    const t2 = await scaffolder.run(inline([{ id: 'x', action: 'fs:rename', input: { files: [{ from: 1 }] } }]));
    const error = (await t2.result).error!;
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('input.files.0.from');
    expect(error.message).toContain('input.files.0.to');
  });

  it('refuses writes outside the workspace and leaks nothing', async () => {
    const outside = path.join(root, 'outside');
    await mkdir(outside, { recursive: true });
    const linker = createAction({ id: 'test:link', async handler(ctx) {
      await symlink(outside, path.join(ctx.workspacePath, 'link'));
      // Dangling: nothing exists at the target yet, but writing through the link creates it.
      await symlink(path.join(outside, 'planted.yaml'), path.join(ctx.workspacePath, 'dangling.yaml'));
    } });
    const s = createScaffolder({ actions: [...builtinActions(), linker], workingDirectory });
    const attempts = [
      [{ id: 'w', action: 'catalog:write', input: { filePath: '../escape.yaml', entity: { a: 1 } } }],
      [{ id: 'w', action: 'catalog:write', input: { filePath: path.join(outside, 'abs.yaml'), entity: { a: 1 } } }],
      [{ id: 'l', action: 'test:link' }, { id: 'w', action: 'catalog:write', input: { filePath: 'link/through.yaml', entity: { a: 1 } } }],
      [{ id: 'l', action: 'test:link' }, { id: 'w', action: 'catalog:write', input: { filePath: 'dangling.yaml', entity: { a: 1 } } }],
      [{ id: 'd', action: 'fs:delete', input: { files: ['../outside'] } }],
      [{ id: 'r', action: 'fs:rename', input: { files: [{ from: 'x', to: '../../moved' }] } }],
      [{ id: 'f', action: 'fetch:template', input: { url: './x', targetPath: '../out' } }],
      [{ id: 'f', action: 'fetch:plain', input: { url: 'file:///etc' } }],
      [{ id: 'f', action: 'fetch:plain', input: { url: '../../../../etc' } }],
    ];
    for (const steps of attempts) {
      const task = await s.run(inline(steps), { baseUrl: pathToFileURL(path.join(fixturesDir, 'node-service')).toString() + '/' });
      const result = await task.result;
      expect(result.status, JSON.stringify(steps)).toBe('failed');
      expect(result.error?.name, JSON.stringify(result.error)).toBe('NotAllowedError');
    }
    expect(await readdir(outside)).toEqual([]);
    expect(existsSync(path.join(root, 'escape.yaml'))).toBe(false);
    expect(existsSync(path.join(workingDirectory, 'escape.yaml'))).toBe(false);
    expect(await readdir(workingDirectory)).toEqual([]);
  });

  it('cancels a running task through its signal', async () => {
    let started!: () => void;
    const began = new Promise<void>((r) => (started = r));
    const wait = createAction({ id: 'test:wait', async handler(ctx) {
      started();
      await new Promise<void>((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        setTimeout(resolve, 20_000);
      });
    } });
    let ranAfter = false;
    const after = createAction({ id: 'test:after', async handler() { ranAfter = true; } });
    const s = createScaffolder({ actions: [wait, after], workingDirectory });
    const task = await s.run(inline([{ id: 'w', action: 'test:wait' }, { id: 'a', action: 'test:after' }]));
    await began;
    await task.cancel();
    const result = await task.result;
    expect(result.status).toBe('cancelled');
    expect(result.error?.name).toBe('TaskCancelledError');
    expect(ranAfter).toBe(false);
    const types = (await collect(task.events())).map((e) => e.type);
    expect(types).toContain('cancelled');
    expect(types.at(-1)).toBe('completion');
    expect(await readdir(workingDirectory)).toEqual([]);
  });

  it('cancels a queued task before it starts', async () => {
    const store = memoryTaskStore();
    const gate = createAction({ id: 'test:slow', async handler() { await new Promise((r) => setTimeout(r, 100)); } });
    const s = createScaffolder({ actions: [gate], workingDirectory, taskStore: store, concurrency: 1 });
    const first = await s.run(inline([{ id: 's', action: 'test:slow' }]));
    const second = await s.run(inline([{ id: 's', action: 'test:slow' }]));
    await second.cancel();
    expect((await second.result).status).toBe('cancelled');
    expect((await first.result).status).toBe('completed');
  });
});

/** `test:record`: remembers each input value and outputs it as `echo`. */
function recordingAction() {
  const seen: unknown[] = [];
  const record = createAction({
    id: 'test:record',
    schema: { input: { value: z.any() } },
    async handler(ctx) {
      seen.push(ctx.input.value);
      ctx.output('echo', ctx.input.value as never);
    },
  });
  return { record, seen };
}

describe('templating in steps', () => {
  it('handles if, each over objects, step outputs and typed values', async () => {
    const { record, seen } = recordingAction();
    const s = createScaffolder({ actions: [record], workingDirectory, filters: { shout: (x) => String(x).toUpperCase() } });
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 't' },
      spec: {
        parameters: { properties: { flag: { type: 'boolean' }, n: { type: 'number' }, map: { type: 'object' } } },
        steps: [
          { id: 'skipped', if: '${{ parameters.flag }}', action: 'test:record', input: { value: 'never' } },
          { id: 'literal-false', if: false, action: 'test:record', input: { value: 'never' } },
          { id: 'typed', action: 'test:record', input: { value: '${{ parameters.n }}' } },
          { id: 'loop', each: '${{ parameters.map }}', if: '${{ each.value != "skip" }}', action: 'test:record', input: { value: '${{ each.key }}=${{ each.value | shout }}' } },
          { id: 'string-false', if: 'false', action: 'test:record', input: { value: "'false' is truthy in Backstage" } },
        ],
        output: { n: '${{ steps.typed.output.echo }}', loop: '${{ steps.loop.output.echo }}', missing: '${{ steps.skipped.output.echo }}' },
      },
    });
    const task = await s.run(template, { values: { flag: false, n: 42, map: { a: 'x', b: 'skip', c: 'z' } } });
    const result = await task.result;
    expect(result.status).toBe('completed');
    expect(seen).toEqual([42, 'a=X', 'c=Z', "'false' is truthy in Backstage"]);
    expect(result.output).toEqual({ n: 42, loop: ['a=X', 'c=Z'] });
    const messages = (await collect(task.events())).map((e) => e.body.message);
    expect(messages).toContain('Skipping step skipped because its if condition was false');
    expect(messages).toContain('Skipping step each: {"key":"b","value":"skip"}');
  });

  it('renders ${{ user.entity }} and ${{ user.ref }}, and runs each over a list with index keys', async () => {
    const { record, seen } = recordingAction();
    const s = createScaffolder({ actions: [record], workingDirectory });
    const template = inline(
      [
        { id: 'who', action: 'test:record', input: { value: { ref: '${{ user.ref }}', name: '${{ user.entity.metadata.name }}', mail: '${{ user.entity.spec.profile.email }}' } } },
        { id: 'items', each: ['${{ user.entity.metadata.name }}', 'b'], action: 'test:record', input: { value: '${{ each.key }}:${{ each.value }}' } },
        { id: 'objects', each: '${{ parameters.services }}', if: '${{ each.value.enabled }}', action: 'test:record', input: { value: '${{ each.value.name }}' } },
      ],
      { parameters: { properties: { services: { type: 'array' } } }, output: { who: '${{ steps.who.output.echo }}', items: '${{ steps.items.output.echo }}', objects: '${{ steps.objects.output.echo }}' } },
    );
    const user = {
      ref: 'user:default/jane',
      entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'jane' }, spec: { profile: { email: 'jane@example.com' } } },
    };
    const task = await s.run(template, { user, values: { services: [{ name: 'api', enabled: true }, { name: 'web', enabled: false }, { name: 'db', enabled: true }] } });
    const result = await task.result;
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({
      who: { ref: 'user:default/jane', name: 'jane', mail: 'jane@example.com' },
      items: ['0:jane', '1:b'],
      objects: ['api', 'db'],
    });
    expect(seen).toHaveLength(5);
  });

  it('fails a step whose each does not resolve to a list or object', async () => {
    const s = createScaffolder({ actions: builtinActions(), workingDirectory });
    const task = await s.run(inline([{ id: 'loop', each: '${{ parameters.nothing }}', action: 'debug:log', input: { message: 'x' } }]));
    const result = await task.result;
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('each parameter');
  });
});

describe('action context', () => {
  it('gives handlers the workspace, a temporary directory removed after the step, user, step, task and isDryRun', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const inspect = createAction({
      id: 'test:inspect',
      supportsDryRun: true,
      async handler(ctx) {
        const tmp = await ctx.createTemporaryDirectory();
        await writeFile(path.join(tmp, 'scratch.txt'), 'x');
        await writeFile(path.join(ctx.workspacePath, 'kept.txt'), 'y');
        seen.push({
          tmp,
          tmpInsideWorkingDir: tmp.startsWith(workingDirectory + path.sep),
          tmpOutsideWorkspace: !tmp.startsWith(ctx.workspacePath + path.sep),
          workspace: ctx.workspacePath,
          user: ctx.user?.ref,
          step: ctx.step,
          taskId: ctx.task.id,
          isDryRun: ctx.isDryRun,
          aborted: ctx.signal.aborted,
          template: ctx.templateInfo?.entityRef,
        });
        ctx.output('tmpExisted', existsSync(tmp));
      },
    });
    const s = createScaffolder({ actions: [inspect], workingDirectory });
    const template = inline([{ id: 'look', name: 'Look around', action: 'test:inspect' }], { output: { existed: '${{ steps.look.output.tmpExisted }}' } });
    const task = await s.run(template, { user: { ref: 'user:default/jane' } });
    const result = await task.result;
    expect(result).toMatchObject({ status: 'completed', output: { existed: true } });
    expect(seen[0]).toMatchObject({
      tmpInsideWorkingDir: true,
      tmpOutsideWorkspace: true,
      workspace: path.join(workingDirectory, task.id),
      user: 'user:default/jane',
      step: { id: 'look', name: 'Look around' },
      taskId: task.id,
      isDryRun: false,
      aborted: false,
      template: 'template:default/inline',
    });
    expect(existsSync(seen[0]!.tmp as string)).toBe(false);

    const dry = await s.dryRun(template, { user: { ref: 'user:default/jane' } });
    expect(dry.status).toBe('completed');
    expect(seen[1]).toMatchObject({ isDryRun: true, user: 'user:default/jane' });
    expect(dry.directoryContents.map((f) => f.path)).toEqual(['kept.txt']);
    expect(existsSync(seen[1]!.tmp as string)).toBe(false);
    expect(await readdir(workingDirectory)).toEqual([]);
  });
});

describe('secrets', () => {
  it('are redacted from every event and never stored', async () => {
    const store = memoryTaskStore();
    const leaky = createAction({ id: 'test:leak', async handler(ctx) {
      ctx.logger.info(`token is ${ctx.secrets.token}`);
      ctx.logger.info(`header ${String((ctx.input as { header: string }).header)}`);
      throw new Error(`failed with ${ctx.secrets.token}`);
    } });
    const s = createScaffolder({ actions: [...builtinActions(), leaky], workingDirectory, taskStore: store });
    const task = await s.run(
      inline([
        { id: 'log', action: 'debug:log', input: { message: 'using ${{ secrets.token }}' } },
        { id: 'leak', action: 'test:leak', input: { header: 'Bearer ${{ secrets.token | upper }}' } },
      ]),
      { secrets: { token: 's3cr3t-value' } },
    );
    const result = await task.result;
    expect(result.status).toBe('failed');
    const everything = JSON.stringify([await store.listEvents({ taskId: task.id }), await store.getTask(task.id), result]);
    expect(everything).not.toContain('s3cr3t-value');
    expect(everything).not.toContain('S3CR3T-VALUE');
    // A value rendered from a secret is hidden whole, as in Backstage.
    expect(everything).toContain('"message":"***","stepId":"log"');
    expect(everything).toContain('token is ***');
    expect(everything).toContain('header ***');
  });

  it('are redacted when each iterates over values derived from them, run or skipped', async () => {
    const store = memoryTaskStore();
    const echo = createAction({ id: 'test:echo', schema: { input: { value: z.any() } }, async handler(ctx) {
      ctx.logger.info(`got ${String(ctx.input.value)}`);
    } });
    const s = createScaffolder({ actions: [echo], workingDirectory, taskStore: store, filters: { keyedBy: (v) => ({ [`key-${String(v).toUpperCase()}`]: 'v' }) } });
    const task = await s.run(
      inline([
        { id: 'run', each: ['${{ secrets.token | upper }}', 'plain'], action: 'test:echo', input: { value: '${{ each.value }}' } },
        { id: 'skip', each: ['${{ secrets.token | replace("s", "z") }}'], if: '${{ false }}', action: 'test:echo' },
        { id: 'keys', each: '${{ secrets.token | keyedBy }}', action: 'test:echo', input: { value: '${{ each.key }}' } },
      ]),
      { secrets: { token: 's3cr3t-value' } },
    );
    const result = await task.result;
    expect(result.status).toBe('completed');
    const everything = JSON.stringify(await store.listEvents({ taskId: task.id }));
    for (const derived of ['S3CR3T-VALUE', 'z3cr3t-value', 'key-S3CR3T-VALUE']) expect(everything).not.toContain(derived);
    expect(everything).toContain('got plain');
    expect(everything).toContain('Running step each: {\\"key\\":\\"0\\",\\"value\\":\\"***\\"}');
    expect(everything).toContain('Skipping step each: {\\"key\\":\\"0\\",\\"value\\":\\"***\\"}');
  });

  it('a task whose secrets were lost with its worker fails cleanly', async () => {
    const store = memoryTaskStore();
    const first = createScaffolder({ actions: builtinActions(), workingDirectory, taskStore: store });
    const spec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [{ id: 'l', action: 'debug:log', input: { message: '${{ secrets.t }}' } }], output: {}, templateInfo: { entityRef: 'template:default/t' }, hasSecrets: true };
    // Queued by a worker that then stopped: its secrets are gone.
    const record = await store.createTask({ spec });
    await first.start();
    const task = (await first.getTask(record.id))!;
    const result = await task.result;
    await first.stop();
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/secrets of this task are unavailable/);
  });
});

describe('recovery', () => {
  it('fails tasks of a crashed worker once their lease expires', async () => {
    const store: TaskStore = memoryTaskStore();
    const spec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } };
    const record = await store.createTask({ spec });
    await store.claimTask({ workerId: 'crashed-worker', leaseMs: 20 });
    await new Promise((r) => setTimeout(r, 40));
    const s = createScaffolder({ actions: [], workingDirectory, taskStore: store, leaseMs: 20, pollIntervalMs: 20 });
    await s.start();
    const task = (await s.getTask(record.id))!;
    const result = await task.result;
    await s.stop();
    expect(result).toMatchObject({ status: 'failed', error: { message: RECOVERED_MESSAGE } });
    expect((await collect(task.events())).map((e) => e.type)).toEqual(['recovered', 'completion']);
  });
});

afterEach(async () => {
  // Each test's temp root is left to the OS; workspaces were checked empty above.
});
