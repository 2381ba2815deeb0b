import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TemplateProblemsError, builtinActions, createAction, createScaffolder, parseTemplate } from './index.js';
import type { TaskEvent, TemplateEntity } from './index.js';
import { tempDir } from './test-support.js';

const template = (steps: unknown[], extra: Record<string, unknown> = {}): TemplateEntity =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'misspelt' },
    spec: { parameters: [{ properties: { which: { type: 'string' }, key: { type: 'string' }, files: { type: 'array' } } }], steps, ...extra },
  });

// An action declaring its outputs, so output keys can be checked.
const emit = createAction({
  id: 'test:emit',
  schema: { input: z.object({ url: z.string().optional() }), output: z.object({ url: z.string(), sha: z.string().optional() }) },
  async handler(ctx) {
    ctx.output('url', ctx.input.url ?? 'https://example.com/repo');
  },
});

async function setup() {
  const root = await tempDir();
  const scaffolder = createScaffolder({ actions: [...builtinActions(), emit], workingDirectory: path.join(root, 'work') });
  return { root, scaffolder };
}

async function failure(events: AsyncIterable<TaskEvent>): Promise<TaskEvent | undefined> {
  // The failed step's event (the task's completion event follows it).
  for await (const e of events) if (e.body.status === 'failed' && e.body.stepId) return e;
  return undefined;
}

describe('template errors at task creation', () => {
  it('lists every misspelling with its step, input path and a suggestion, and stores nothing', async () => {
    const { scaffolder } = await setup();
    const misspelt = template(
      [
        { id: 'fetch', action: 'fetch:templte', input: { url: './skeleton' } },
        { id: 'publish', action: 'test:emit', input: { url: '${{ parameters.which | lowr }}', urll: 'x' } },
        { id: 'mv', action: 'fs:rename', input: { files: [{ form: 'a', to: 'b' }] } },
        {
          id: 'log',
          action: 'debug:log',
          if: '${{ steps.register.output.entityRef }}',
          input: {
            message: '${{ steps.publsh.output.url }} ${{ steps.publish.output.URL }} ${{ steps.publish.outputs }} ${{ parameters.which | nope }}',
          },
        },
        { id: 'register', action: 'debug:log', input: { message: 'hi' } },
      ],
      { output: { links: [{ url: '${{ steps.publish.output.sha }}', title: '${{ steps.publish.output.shaa }}' }] } },
    );
    const error = await scaffolder.run(misspelt, { values: { which: 'A' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateProblemsError);
    const problems = (error as TemplateProblemsError).problems;
    expect(problems.map((p) => `${p.location}: ${p.message} [${p.rule}]`)).toEqual([
      'steps[0] (id: fetch).action: action `fetch:templte` is not registered (did you mean `fetch:template`?) [unknown-action]',
      'steps[1] (id: publish).input.urll: test:emit has no input `urll` (did you mean `url`?) [unknown-input]',
      'steps[1] (id: publish).input.url: unknown filter `lowr` (did you mean `lower`?) [unknown-filter]',
      'steps[2] (id: mv).input.files[0].form: input `files[0]` of fs:rename has no key `form` (did you mean `from`?) [unknown-input]',
      'steps[3] (id: log).if: `steps.register` is steps[4], which runs after this one: its output does not exist yet [later-step]',
      'steps[3] (id: log).input.message: unknown filter `nope` [unknown-filter]',
      'steps[3] (id: log).input.message: `steps.publsh` is not a step of this template (did you mean `publish`?) [unknown-step]',
      'steps[3] (id: log).input.message: `steps.publish.output.URL`: action test:emit has no output `URL` (did you mean `url`?) (it outputs `url`, `sha`) [unknown-output]',
      'steps[3] (id: log).input.message: `steps.publish.outputs`: a step has only `output` (did you mean `output`?) [unknown-output]',
      'output.links[0].title: `steps.publish.output.shaa`: action test:emit has no output `shaa` (did you mean `sha`?) (it outputs `url`, `sha`) [unknown-output]',
    ]);
    expect(problems[1]!.path).toBe('spec.steps[1].input.urll');
    expect((error as Error).message).toContain('Invalid template template:default/misspelt:\n  - steps[0] (id: fetch).action: action `fetch:templte` is not registered');
    expect((await scaffolder.listTasks()).tasks).toEqual([]);
  });

  it('refuses dry runs of a misspelt template the same way', async () => {
    const { scaffolder } = await setup();
    const misspelt = template([{ id: 'a', action: 'debug:log', input: { mesage: '${{ steps.a.output.x }}' } }]);
    await expect(scaffolder.dryRun(misspelt)).rejects.toThrow(
      'steps[0] (id: a).input.mesage: debug:log has no input `mesage` (did you mean `message`?)',
    );
    await expect(scaffolder.dryRun(misspelt)).rejects.toThrow('steps[0] (id: a).input.mesage: `steps.a` is this step itself');
  });

  it('accepts what is spelt right: declared outputs, open schemas, guarded reads of skipped steps, filters the host adds', async () => {
    const root = await tempDir();
    const scaffolder = createScaffolder({
      actions: [...builtinActions(), emit],
      workingDirectory: path.join(root, 'work'),
      filters: { shout: (s) => String(s).toUpperCase() },
    });
    const fine = template(
      [
        { id: 'maybe', action: 'test:emit', if: false },
        { id: 'publish', action: 'test:emit', input: { url: 'https://example.com/x' } },
        { id: 'w', action: 'catalog:write', input: { entity: { anything: { goes: 1 } } } },
        { id: 'log', action: 'debug:log', input: { message: '${{ (steps.maybe.output.url or steps.publish.output.url) | shout }} ${{ steps.publish.output.sha }}' } },
      ],
      { output: { url: '${{ steps.publish.output.url }}' } },
    );
    const task = await scaffolder.run(fine, { values: {} });
    await scaffolder.start();
    const result = await task.result;
    await scaffolder.stop();
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ url: 'https://example.com/x' });
  });

  it('survives the worst a template author writes: prototype names, odd keys, broken syntax', async () => {
    const { scaffolder } = await setup();
    const hostile = parseTemplate(
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: hostile }',
        'spec:',
        '  steps:',
        '    - id: a',
        '      action: debug:log',
        '      input:',
        '        __proto__: { polluted: true }',
        '        "a.b": 1',
        '        message: "${{ steps.constructor.output.x }} ${{ steps.__proto__ }} ${{ parameters.x | }}"',
      ].join('\n'),
    );
    const error = (await scaffolder.run(hostile).catch((e: unknown) => e)) as TemplateProblemsError;
    expect(error).toBeInstanceOf(TemplateProblemsError);
    const lines = error.problems.map((p) => `${p.location} [${p.rule}]`);
    expect(lines).toContain('steps[0] (id: a).input.__proto__ [unknown-input]');
    expect(lines).toContain('steps[0] (id: a).input["a.b"] [unknown-input]');
    expect(lines).toContain('steps[0] (id: a).input.message [template-syntax]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a 200 000-character action id with its problem and no suggestion', async () => {
    const { scaffolder } = await setup();
    const huge = `fetch:${'x'.repeat(200_000)}`;
    const error = (await scaffolder.run(template([{ id: 'a', action: huge }])).catch((e: unknown) => e)) as TemplateProblemsError;
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.message).toBe(`action \`${huge}\` is not registered`);
  });
});

describe('template errors a run finds', () => {
  it('fails the step with the same wording for references computed at run time', async () => {
    const { scaffolder } = await setup();
    await scaffolder.start();
    try {
      const dynamic = template([
        { id: 'publish', action: 'test:emit' },
        { id: 'log', action: 'debug:log', input: { message: 'url: ${{ steps[parameters.which].output.url }}' } },
      ]);
      const wrongStep = await scaffolder.run(dynamic, { values: { which: 'publsh' } });
      expect(await wrongStep.result).toMatchObject({
        status: 'failed',
        error: { name: 'InputError', message: 'steps[1] (id: log).input.message: `steps.publsh` is not a step of this template (did you mean `publish`?)' },
      });
      expect((await failure(wrongStep.events()))?.body.stepId).toBe('log');
      const later = await scaffolder.run(dynamic, { values: { which: 'log' } });
      expect((await later.result).error?.message).toBe('steps[1] (id: log).input.message: `steps.log` is this step itself: its output exists only after it ran');

      const key = template([{ id: 'publish', action: 'test:emit' }], { output: { url: '${{ steps.publish.output[parameters.key] }}' } });
      const wrongKey = await scaffolder.run(key, { values: { key: 'URL' } });
      expect((await wrongKey.result).error?.message).toBe(
        'output.url: `steps.publish.output.URL`: action test:emit has no output `URL` (did you mean `url`?) (it outputs `url`, `sha`)',
      );
      const rightKey = await scaffolder.run(key, { values: { key: 'url' } });
      expect(await rightKey.result).toMatchObject({ status: 'completed', output: { url: 'https://example.com/repo' } });
    } finally {
      await scaffolder.stop();
    }
  });

  it('fails a step whose computed input has a key its action does not declare', async () => {
    const { scaffolder } = await setup();
    await scaffolder.start();
    try {
      const computed = template([{ id: 'mv', action: 'fs:rename', input: { files: '${{ parameters.files }}' } }]);
      const task = await scaffolder.run(computed, { values: { files: [{ form: 'a', to: 'b' }] } });
      expect((await task.result).error?.message).toBe('steps[0] (id: mv).input.files[0].form: input `files[0]` of fs:rename has no key `form` (did you mean `from`?)');
    } finally {
      await scaffolder.stop();
    }
  });
});

describe('template errors over HTTP', () => {
  it('answers 400 in the Backstage error shape at POST /v2/tasks and /v2/dry-run, listing the problems', async () => {
    const { scaffolder } = await setup();
    const misspelt = template([
      { id: 'publish', action: 'test:emit' },
      { id: 'log', action: 'debug:log', input: { message: '${{ steps.publish.output.ur }}' } },
    ]);
    const handler = scaffolder.handler({ basePath: '/api/scaffolder', getTemplate: async () => misspelt });
    const post = (p: string, body: unknown) =>
      handler(new Request(`http://x/api/scaffolder${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const message =
      'Invalid template template:default/misspelt:\n  - steps[1] (id: log).input.message: `steps.publish.output.ur`: action test:emit has no output `ur` (did you mean `url`?) (it outputs `url`, `sha`)';
    const created = await post('/v2/tasks', { templateRef: 'template:default/misspelt', values: {} });
    expect(created.status).toBe(400);
    expect(await created.json()).toEqual({
      error: { name: 'InputError', message },
      request: { method: 'POST', url: '/api/scaffolder/v2/tasks' },
      response: { statusCode: 400 },
    });
    const dry = await post('/v2/dry-run', { template: misspelt, values: {} });
    expect(dry.status).toBe(400);
    expect(((await dry.json()) as { error: { message: string } }).error.message).toBe(message);
  });
});
