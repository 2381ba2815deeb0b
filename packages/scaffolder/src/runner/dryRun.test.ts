import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { createAction } from '../actions/createAction.js';
import { memoryTaskStore } from '../tasks/memoryTaskStore.js';
import { createTemplater } from '../render/templater.js';
import type { ScaffolderAction } from '../types.js';
import { tempDir } from '../test-support.js';
import { createDryRunner } from './dryRun.js';
import { createTaskEventLog } from './taskEventLog.js';
import { createTaskHandles } from './taskHandles.js';
import { createTaskWorker } from './taskWorker.js';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

// Copies `from` (relative to the template's base URL) into the workspace, as fetch actions do.
const copy = createAction({
  id: 'test:copy',
  supportsDryRun: true,
  async handler(ctx) {
    const { from } = ctx.input as { from: string };
    const source = fileURLToPath(new URL(from, ctx.templateInfo!.baseUrl));
    ctx.logger.info(`copying ${from}`);
    await writeFile(path.join(ctx.workspacePath, from), await readFile(source));
    ctx.output('base', ctx.templateInfo!.baseUrl!);
  },
}) as ScaffolderAction;
const publish = createAction({ id: 'test:publish', handler: () => { throw new Error('must not run in a dry run'); } }) as ScaffolderAction;

const template = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'dry' },
  spec: {
    parameters: [],
    steps: [
      { id: 'copy', name: 'Copy', action: 'test:copy', input: { from: 'a.txt' } },
      { id: 'publish', action: 'test:publish' },
    ],
    output: { base: '${{ steps.copy.output.base }}' },
  },
  ...extra,
});

let workingDirectory: string;
beforeEach(async () => {
  workingDirectory = path.join(await tempDir(), 'work');
});

function dryRunner() {
  const store = memoryTaskStore();
  const events = createTaskEventLog({ logger, pollIntervalMs: 60_000 });
  const worker = createTaskWorker({
    store,
    actions: new Map([copy, publish].map((a) => [a.id, a])),
    render: createTemplater(),
    events,
    logger,
    concurrency: 1,
    leaseMs: 60_000,
    workingDirectory,
    keepWorkspaces: false,
  });
  const handles = createTaskHandles({ events, statusOf: worker.statusOf, dryRunContentsOf: worker.dryRunContentsOf, abort: worker.abort });
  return { store, runner: createDryRunner({ worker, handles, workingDirectory, checkTemplate: () => {} }) };
}

describe('createDryRunner', () => {
  it('runs against the client’s files in a private directory, skips other actions, reports files and log, then removes the directory', async () => {
    const { store, runner } = dryRunner();
    const result = await runner.dryRun(template(), { directoryContents: [{ path: 'a.txt', base64Content: Buffer.from('hello').toString('base64') }] });
    expect(result.status).toBe('completed');
    expect(result.directoryContents).toEqual([expect.objectContaining({ path: 'a.txt', base64Content: Buffer.from('hello').toString('base64') })]);
    expect(result.steps).toEqual([
      { id: 'copy', name: 'Copy', action: 'test:copy' },
      { id: 'publish', name: 'publish', action: 'test:publish' },
    ]);
    expect(result.log.map((l) => l.body.message)).toContain('copying a.txt');
    expect(String(result.output.base)).toContain('dry-run-template-');
    expect(await readdir(workingDirectory)).toEqual([]);
    // Never queued in the scaffolder's store.
    expect((await store.list()).totalTasks).toBe(0);
  });

  it('ignores the template’s location annotations; a host-set baseUrl is used only when the client sent no files', async () => {
    const hostDir = await tempDir();
    await writeFile(path.join(hostDir, 'a.txt'), 'from host');
    const annotated = template({ metadata: { name: 'dry', annotations: { 'backstage.io/managed-by-location': `file:${path.join(hostDir, 'template.yaml')}` } } });
    const { runner } = dryRunner();
    const fromAnnotation = await runner.dryRun(annotated);
    expect(fromAnnotation.status).toBe('failed');
    const fromHost = await runner.dryRun(template(), { baseUrl: pathToFileURL(hostDir).toString() + '/' });
    expect(fromHost.status).toBe('completed');
    expect(Buffer.from(fromHost.directoryContents[0]!.base64Content!, 'base64').toString()).toBe('from host');
  });

  it('rejects a bad template with an InputError and leaves no private directory behind', async () => {
    const { runner } = dryRunner();
    await expect(runner.dryRun({ kind: 'Template' }, { directoryContents: [{ path: 'a.txt', base64Content: '' }] })).rejects.toBeInstanceOf(InputError);
    // Refused before anything is written: the working directory may not even exist.
    expect(await readdir(workingDirectory).catch(() => [])).toEqual([]);
  });
});
