import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, memorySink } from '@portalkit/core';
import { builtinActions, createScaffolder, createScaffolderHandler } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Hole #2 of issue 16: a template sent to POST /v2/dry-run named its own base location through
// its location annotations, so relative fetches read host files. A client's template chooses
// no base: relative URLs resolve only against the directoryContents it sent.

const SECRET = 'HOST-SECRET-7f3a9c';
let base: string;
let hostDir: string;
let workingDirectory: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-dry-run-'));
  hostDir = path.join(base, 'host', 'templates', 'x');
  workingDirectory = path.join(base, 'work');
  await mkdir(path.join(hostDir, 'skeleton'), { recursive: true });
  await writeFile(path.join(hostDir, 'secret.txt'), SECRET);
  await writeFile(path.join(hostDir, 'skeleton', 'secret.txt'), SECRET);
  await writeFile(path.join(base, 'host', 'secret.txt'), SECRET);
});
afterAll(() => rm(base, { recursive: true, force: true }));

function setup() {
  const sink = memorySink();
  const scaffolder = createScaffolder({
    actions: builtinActions(),
    workingDirectory,
    logger: createLogger({ level: 'debug', sink }),
  });
  const handler = createScaffolderHandler(scaffolder, { basePath: '/api/scaffolder', getTemplate: async () => undefined });
  const dryRun = (body: unknown) =>
    handler(new Request('http://portal/api/scaffolder/v2/dry-run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  return { dryRun, sink };
}

const locations = () => ({
  'backstage.io/managed-by-location': `file:${path.join(hostDir, 'template.yaml')}`,
  'backstage.io/managed-by-origin-location': `file:${path.join(hostDir, 'template.yaml')}`,
  'backstage.io/source-location': `url:file://${hostDir}/`,
});

const template = (steps: unknown[]) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'probe', annotations: locations() },
  spec: { parameters: [], steps, output: { text: [{ title: 'out', content: '${{ steps.f.output.x }}' }] } },
});

const probes: Array<[string, unknown[]]> = [
  ['fetch:plain:file ./secret.txt', [{ id: 'f', action: 'fetch:plain:file', input: { url: './secret.txt', targetPath: 'stolen.txt' } }]],
  ['fetch:plain:file secret.txt', [{ id: 'f', action: 'fetch:plain:file', input: { url: 'secret.txt', targetPath: 'stolen.txt' } }]],
  ['fetch:plain:file ../secret.txt', [{ id: 'f', action: 'fetch:plain:file', input: { url: '../../secret.txt', targetPath: 'stolen.txt' } }]],
  ['fetch:plain ./', [{ id: 'f', action: 'fetch:plain', input: { url: './', targetPath: 'stolen' } }]],
  ['fetch:plain ./skeleton', [{ id: 'f', action: 'fetch:plain', input: { url: './skeleton', targetPath: 'stolen' } }]],
  ['fetch:plain ..', [{ id: 'f', action: 'fetch:plain', input: { url: '..', targetPath: 'stolen' } }]],
  ['fetch:template ./skeleton', [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', values: {} } }]],
  ['fetch:template .', [{ id: 'f', action: 'fetch:template', input: { url: '.', values: {} } }]],
  ['fetch:template ../../', [{ id: 'f', action: 'fetch:template', input: { url: '../../', values: {} } }]],
  ['fetch:plain:file absolute file URL', [{ id: 'f', action: 'fetch:plain:file', input: { url: 'file://<host>/secret.txt', targetPath: 'stolen.txt' } }]],
];

describe('POST /v2/dry-run: a client template chooses no base location', () => {
  it.each(probes)('%s never reads the host directory named by the annotations', async (_name, steps) => {
    for (const withContents of [false, true]) {
      const { dryRun, sink } = setup();
      const res = await dryRun({
        template: template(JSON.parse(JSON.stringify(steps).replaceAll('<host>', hostDir)) as unknown[]),
        values: {},
        ...(withContents ? { directoryContents: [{ path: 'other.txt', base64Content: Buffer.from('mine').toString('base64') }] } : {}),
      });
      const text = await res.text();
      const everything = text + JSON.stringify(sink.records);
      expect(everything).not.toContain(SECRET);
      expect(everything).not.toContain(Buffer.from(SECRET).toString('base64'));
      // Nor where the host keeps templates or the dry run's private directory (unless the
      // client itself sent the path).
      if (!JSON.stringify(steps).includes('<host>')) expect(text).not.toContain(base);
      if (res.status === 200) {
        const body = JSON.parse(text) as { status: string; error?: { name: string }; directoryContents: Array<{ path: string; base64Content: string }> };
        // Either a typed failure, or the run copied only what the client sent itself.
        if (body.status === 'failed') expect(body.error?.name).toMatch(/^(InputError|NotAllowedError|NotFoundError)$/);
        else expect(body.status).toBe('completed');
        for (const file of body.directoryContents) {
          expect(file.path).toMatch(/other\.txt$/);
          expect(Buffer.from(file.base64Content, 'base64').toString()).toBe('mine');
        }
        if (!withContents) expect(body.directoryContents).toEqual([]);
      } else {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
    }
  });

  it('a relative URL naming a file of directoryContents still works', async () => {
    const { dryRun } = setup();
    const encode = (text: string) => Buffer.from(text).toString('base64');
    const res = await dryRun({
      template: template([
        { id: 'f', action: 'fetch:plain:file', input: { url: './secret.txt', targetPath: 'copied.txt' } },
        { id: 't', action: 'fetch:template', input: { url: './skeleton', targetPath: 'rendered', values: { who: 'world' } } },
        { id: 'p', action: 'fetch:plain', input: { url: 'skeleton', targetPath: 'plain' } },
      ]),
      values: {},
      directoryContents: [
        { path: 'secret.txt', base64Content: encode('client file') },
        { path: 'skeleton/hello.txt', base64Content: encode('hello ${{ values.who }}') },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; directoryContents: Array<{ path: string; base64Content: string }> };
    expect(body.status).toBe('completed');
    const files = Object.fromEntries(body.directoryContents.map((f) => [f.path, Buffer.from(f.base64Content, 'base64').toString()]));
    expect(files).toEqual({ 'copied.txt': 'client file', 'rendered/hello.txt': 'hello world', 'plain/hello.txt': 'hello ${{ values.who }}' });
  });
});
