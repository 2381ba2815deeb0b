import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, createLogger } from '@portalkit/core';
import type { JsonObject, TaskSpec } from './types.js';
import { TEMPLATE_API_VERSION } from './types.js';
import { memoryTaskStore } from './tasks/memoryTaskStore.js';
import { parseTemplate } from './template/parseTemplate.js';
import { validateValues } from './template/validateValues.js';
import { templateBaseUrl } from './template/loadTemplate.js';
import { withoutLocationAnnotations } from './template/untrustedTemplate.js';
import { createTemplater } from './render/templater.js';
import { defaultFilters } from './render/filters.js';
import { writeDirectoryContents } from './runner/directoryContents.js';
import { createTaskEventLog } from './runner/taskEventLog.js';
import { createTaskHandles } from './runner/taskHandles.js';
import { createTaskWorker } from './runner/taskWorker.js';
import { createActionRegistry } from './actions/actionRegistry.js';
import type { DryRunResult, RunOptions, ScaffolderLibrary, ScaffolderOptions, Task } from './scaffolderTypes.js';

/**
 * Create the scaffolder library; the public `createScaffolder` (create-scaffolder.ts) adds
 * `handler()`, so this module never imports its HTTP handler.
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
  const handles = createTaskHandles({
    events,
    statusOf: worker.statusOf,
    dryRunContentsOf: worker.dryRunContentsOf,
    abort: worker.abort,
  });
  const makeHandle = handles.handle;

  // `fromClient`: the template came with the request, so its annotations name no base location.
  const prepare = (template: unknown, runOptions: RunOptions, fromClient = false): TaskSpec => {
    const parsed = parseTemplate(template);
    const entity = fromClient ? withoutLocationAnnotations(parsed) : parsed;
    const values = validateValues(entity, runOptions.values ?? {});
    const namespace = entity.metadata.namespace ?? 'default';
    const baseUrl = runOptions.baseUrl ?? (fromClient ? undefined : templateBaseUrl(entity));
    const spec: TaskSpec = {
      apiVersion: TEMPLATE_API_VERSION,
      parameters: values,
      steps: entity.spec.steps,
      output: entity.spec.output ?? {},
      templateInfo: {
        entityRef: `template:${namespace}/${entity.metadata.name}`,
        ...(baseUrl ? { baseUrl } : {}),
        entity: { metadata: JSON.parse(JSON.stringify(entity.metadata)) as JsonObject },
      },
    };
    if (runOptions.user) spec.user = runOptions.user;
    if (runOptions.secrets && Object.keys(runOptions.secrets).length) spec.hasSecrets = true;
    return spec;
  };

  type ClientContents = Array<{ path: string; base64Content?: string; executable?: boolean }>;
  // `client`: the template (and its files) came from a caller of `dryRun()`; relative URLs then
  // resolve only inside a private directory holding the files it sent, as in Backstage.
  const runDry = async (
    template: unknown,
    runOptions: RunOptions,
    client?: { directoryContents: ClientContents },
  ): Promise<{ task: Task; done: Promise<void> }> => {
    let baseUrl = runOptions.baseUrl;
    let templateDir: string | undefined;
    if (client && (client.directoryContents.length || !baseUrl)) {
      await mkdir(workingDirectory, { recursive: true });
      templateDir = await mkdtemp(path.join(workingDirectory, 'dry-run-template-'));
      try {
        await writeDirectoryContents(templateDir, client.directoryContents);
      } catch (error) {
        await rm(templateDir, { recursive: true, force: true }).catch(() => {});
        throw error;
      }
      baseUrl = pathToFileURL(templateDir).toString() + '/';
    }
    let spec: TaskSpec;
    try {
      spec = prepare(template, { ...runOptions, ...(baseUrl ? { baseUrl } : {}) }, client !== undefined);
    } catch (error) {
      if (templateDir) await rm(templateDir, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
    // Dry runs are never queued: a private store keeps their events for the caller only.
    const dryStore = memoryTaskStore();
    const created = await dryStore.createTask({ spec, ...(runOptions.createdBy ? { createdBy: runOptions.createdBy } : {}) });
    if (runOptions.secrets) worker.keepSecrets(created.id, runOptions.secrets);
    const record = (await worker.claim(dryStore))!;
    const done = worker.runDry(dryStore, record, async () => {
      if (templateDir) await rm(templateDir, { recursive: true, force: true }).catch(() => {});
    });
    return { task: makeHandle(dryStore, record), done };
  };

  let timer: ReturnType<typeof setInterval> | undefined;

  const scaffolder: ScaffolderLibrary = {
    async run(template, runOptions = {}) {
      if (runOptions.dryRun) return (await runDry(template, runOptions)).task;
      const spec = prepare(template, runOptions);
      await mkdir(workingDirectory, { recursive: true });
      const createdBy = runOptions.createdBy ?? runOptions.user?.ref;
      const record = await store.createTask({ spec, ...(createdBy ? { createdBy } : {}) });
      if (runOptions.secrets && spec.hasSecrets) worker.keepSecrets(record.id, { ...runOptions.secrets });
      void worker.pump();
      return makeHandle(store, record);
    },
    async dryRun(template, runOptions = {}) {
      const { task, done } = await runDry(template, runOptions, { directoryContents: runOptions.directoryContents ?? [] });
      const log: DryRunResult['log'] = [];
      for await (const event of task.events()) if (event.type === 'log') log.push({ body: event.body });
      const result = await task.result;
      worker.forgetDryRunContents(task.id);
      const spec = (await task.get()).spec;
      // The client's files are removed before answering.
      await done;
      const out: DryRunResult = {
        log,
        directoryContents: result.directoryContents ?? [],
        output: result.output ?? {},
        steps: spec.steps.map((s) => ({ id: s.id, name: s.name ?? s.id, action: s.action })),
        status: result.status,
      };
      if (result.error) out.error = result.error;
      return out;
    },
    async getTask(taskId) {
      const record = await store.getTask(taskId);
      return record ? makeHandle(store, record) : undefined;
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
  return scaffolder;
}
