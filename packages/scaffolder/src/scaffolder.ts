import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, createLogger } from '@portalkit/core';
import { memoryTaskStore } from './tasks/memoryTaskStore.js';
import { prepareTaskSpec } from './template/taskSpec.js';
import { createTemplater } from './render/templater.js';
import { defaultFilters } from './render/filters.js';
import { createDryRunner } from './runner/dryRun.js';
import { createTaskEventLog } from './runner/taskEventLog.js';
import { createTaskHandles } from './runner/taskHandles.js';
import { createTaskWorker } from './runner/taskWorker.js';
import { createActionRegistry } from './actions/actionRegistry.js';
import type { ScaffolderLibrary, ScaffolderOptions } from './scaffolderTypes.js';

/**
 * Create the scaffolder library; the public `createScaffolder` (create-scaffolder.ts) adds
 * `handler()`, so this module never imports its HTTP handler. It composes the parts (action
 * registry, task worker, task handles, dry-runner) and owns only the worker's lifecycle.
 *
 * @example
 * ```ts
 * const scaffolder = createScaffolder({ actions: builtinActions({ catalog }) });
 * const task = await scaffolder.run(await loadTemplate('template.yaml'), { values: { name: 'svc' } });
 * const result = await task.result;
 * ```
 */
export function createScaffolderLibrary(options: ScaffolderOptions): ScaffolderLibrary {
  if (!options) throw new InputError('createScaffolder: options.actions must be an array of actions');
  const registry = createActionRegistry(options.actions);
  const store = options.taskStore ?? memoryTaskStore();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const workingDirectory = path.resolve(options.workingDirectory ?? path.join(os.tmpdir(), 'portalkit-scaffolder'));
  const render = createTemplater({ filters: { ...defaultFilters(), ...options.filters }, ...(options.globals ? { globals: options.globals } : {}) });
  const events = createTaskEventLog({ logger, pollIntervalMs });
  const worker = createTaskWorker({
    store,
    actions: registry.byId,
    render,
    events,
    logger,
    concurrency: Math.max(1, options.concurrency ?? 4),
    leaseMs,
    workingDirectory,
    keepWorkspaces: options.keepWorkspaces === true,
  });
  const handles = createTaskHandles({ events, statusOf: worker.statusOf, dryRunContentsOf: worker.dryRunContentsOf, abort: worker.abort });
  const dryRunner = createDryRunner({ worker, handles, workingDirectory });
  let timer: ReturnType<typeof setInterval> | undefined;

  return {
    async run(template, runOptions = {}) {
      if (runOptions.dryRun) return (await dryRunner.start(template, runOptions)).task;
      const spec = prepareTaskSpec(template, runOptions);
      await mkdir(workingDirectory, { recursive: true });
      const createdBy = runOptions.createdBy ?? runOptions.user?.ref;
      const record = await store.createTask({ spec, ...(createdBy ? { createdBy } : {}) });
      if (runOptions.secrets && spec.hasSecrets) worker.keepSecrets(record.id, { ...runOptions.secrets });
      void worker.pump();
      return handles.handle(store, record);
    },
    dryRun: dryRunner.dryRun,
    async getTask(taskId) {
      const record = await store.getTask(taskId);
      return record ? handles.handle(store, record) : undefined;
    },
    listTasks: (listOptions) => store.list(listOptions),
    listActions: () => registry.list(),
    async start() {
      worker.resume();
      await mkdir(workingDirectory, { recursive: true });
      const tick = async () => {
        await worker.recoverExpired();
        await worker.pump();
      };
      await tick();
      timer ??= setInterval(() => void tick(), pollIntervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await worker.drain();
    },
  };
}
