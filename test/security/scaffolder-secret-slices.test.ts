import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger, memorySink } from '@portalkit/core';
import { builtinActions, createAction, createScaffolder, memoryTaskStore, parseTemplate, type TaskEvent } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Hole #5 of issue 16: redaction matched whole secrets (at least 3 characters), so a template
// could log a secret in pieces shorter than that. Any value whose rendering read `secrets`
// (or a step output or `each` item holding a secret) is now redacted whole, whatever its length.

// Characters that appear nowhere else in events (ids, timestamps and messages are ASCII).
const SECRET = 'ЖЯЮ§ǂŒЖΩ';
const CHARS = [...new Set(SECRET)];

let workingDirectory: string;
let templateDir: string;
beforeAll(async () => {
  workingDirectory = await mkdtemp(path.join(tmpdir(), 'pk-sec-slices-'));
  templateDir = path.join(workingDirectory, 'template');
  // A skeleton that slices the value it is given, in a file name and in the file's contents.
  await mkdir(path.join(templateDir, 'skeleton'), { recursive: true });
  await writeFile(path.join(templateDir, 'skeleton', 'n-${{ values.t[0] }}.txt'), '${{ values.t[1] }}');
  await writeFile(path.join(templateDir, 'skeleton', 'plain.txt'), 'plain ${{ values.other }}');
});
afterAll(() => rm(workingDirectory, { recursive: true, force: true }));

const echo = createAction({
  id: 'test:echo',
  supportsDryRun: true,
  async handler(ctx) {
    const input = ctx.input as { value?: unknown };
    ctx.output('value', input.value as string);
  },
});

const template = (steps: unknown[], output: Record<string, unknown> = {}) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'slices' },
    spec: { parameters: [], steps, output },
  });

// The old redaction rendered each input again without secrets and hid what differed (only from
// 3 characters on); a fallback keeps that second render working, so only the pieces leaked.
const T = '(secrets.token or "--------")';
const log = (id: string, message: string) => ({ id, action: 'debug:log', input: { message } });
const perChar = (expression: (i: number) => string) => SECRET.split('').map((_c, i) => log(`c${i}`, expression(i)));

const attacks: Array<[string, unknown[], Record<string, unknown>?]> = [
  ['one character per step', perChar((i) => `\${{ ${T}[${i}] }}`)],
  ['one character per step, padded', perChar((i) => `[\${{ ${T}[${i}] }}]`)],
  ['slice() of two characters', perChar((i) => `\${{ ${T}.slice(${i}, ${i + 2}) }}`)],
  ['substring through a variable', perChar((i) => `{% set t = ${T} %}\${{ t.substring(${i}, ${i + 1}) }}`)],
  ['truncate filter', perChar((i) => `\${{ ${T} | replace(${T}.slice(0, ${i}), '') | truncate(1, true, '') }}`)],
  ['first / last filters', [log('f', `\${{ ${T} | first }}`), log('l', `\${{ ${T} | last }}`), log('u', `\${{ ${T} | lower | first }}`)]],
  ['list filter with a separator', [log('j', `\${{ ${T}.split("") | join(" ") }}`)]],
  ['loop over characters in one string', [log('loop', `{% for c in ${T} %}\${{ c }} {% endfor %}`)]],
  ['loop over the secrets object', [log('loop', '{% for k, v in secrets %}${{ v | first }}{% endfor %}')]],
  ['each over characters, one log line per item', [{ id: 'each', action: 'debug:log', each: `\${{ ${T} | list }}`, input: { message: '${{ each.value }}' } }]],
  ['each over indices', [{ id: 'each', action: 'debug:log', each: `\${{ range(${T} | length) }}`, input: { message: `<\${{ ${T}[each.value] }}>` } }]],
  ['char codes as numbers', perChar((i) => `\${{ ${T}.charCodeAt(${i}) }}`)],
  [
    'a step output holding the secret, sliced later',
    [{ id: 'echo', action: 'test:echo', input: { value: `\${{ ${T} }}` } }, ...perChar((i) => `\${{ steps.echo.output.value[${i}] }}`)],
  ],
  [
    'a step output holding one character, used later',
    [{ id: 'echo', action: 'test:echo', input: { value: `\${{ ${T}[1] }}` } }, log('later', 'got ${{ steps.echo.output.value }}')],
  ],
  ['slices in the task output', [], { first: `\${{ ${T}[0] }}`, pair: `\${{ ${T}.slice(2, 4) }}`, list: `\${{ ${T} | list }}` }],
  ['a failing filter whose message would echo a slice', [log('bad', `\${{ ${T}[2] | parseRepoUrl }}`)]],
  [
    'fetch:template slicing a value derived from a secret, then listing the workspace',
    [
      { id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { t: `\${{ ${T} }}`, other: 'x' } } },
      { id: 'names', action: 'debug:log', input: { listWorkspace: 'with-filenames' } },
      { id: 'contents', action: 'debug:log', input: { listWorkspace: 'with-contents' } },
    ],
  ],
];

async function run(steps: unknown[], output: Record<string, unknown> = {}) {
  const sink = memorySink();
  const store = memoryTaskStore();
  const s = createScaffolder({ actions: [...builtinActions(), echo], taskStore: store, workingDirectory, logger: createLogger({ level: 'debug', sink }) });
  const task = await s.run(template(steps, output), { secrets: { token: SECRET }, baseUrl: `${pathToFileURL(templateDir).toString()}/` });
  const result = await task.result;
  const events: TaskEvent[] = [];
  for await (const e of task.events()) events.push(e);
  return { result, events, logs: sink.records, stored: [await store.getTask(task.id), await store.listEvents({ taskId: task.id })] };
}

describe('values derived from secrets are redacted whatever their length', () => {
  it.each(attacks)('%s', async (_name, steps, output) => {
    const { result, events, logs, stored } = await run(steps, output);
    const everything = JSON.stringify([result, events, logs, stored]);
    for (const c of CHARS) expect(everything, `character ${c} of the secret leaked`).not.toContain(c);
    // Char codes of the secret's characters never appear either.
    for (const c of CHARS) expect(everything).not.toMatch(new RegExp(`\\b${c.charCodeAt(0)}\\b`));
  });

  it('ordinary values next to secrets are kept', async () => {
    const { result, events } = await run(
      [
        { id: 'auth', action: 'test:echo', input: { value: 'Bearer ${{ secrets.token }}' } },
        log('plain', 'hello ${{ parameters.who or "world" }} at step ${{ steps.auth.output.value | length > 0 }}'),
        { id: 'name', action: 'test:echo', input: { value: 'service-a' } },
        log('named', 'named ${{ steps.name.output.value }}'),
      ],
      { name: '${{ steps.name.output.value }}', note: 'done' },
    );
    expect(result.status).toBe('completed');
    const messages = events.map((e) => e.body.message);
    expect(messages).toContain('named service-a');
    expect(result.output).toEqual({ name: 'service-a', note: 'done' });
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });
});
