import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, createLogger, serializeError } from '@portalkit/core';
import type { SerializedError } from '@portalkit/core';
import type {
  JsonObject,
  TaskRecord,
  TaskSpec,
  TaskStatus,
} from './types.js';
import { TEMPLATE_API_VERSION } from './types.js';
import type { TaskStore } from './tasks/taskStore.js';
import { memoryTaskStore } from './tasks/memoryTaskStore.js';
import { parseTemplate } from './template/parseTemplate.js';
import { validateValues } from './template/validateValues.js';
import { templateBaseUrl } from './template/loadTemplate.js';
import { withoutLocationAnnotations } from './template/untrustedTemplate.js';
import { createTemplater } from './render/templater.js';
import { defaultFilters } from './render/filters.js';
import { TaskCancelledError, executeWorkflow } from './runner/executeWorkflow.js';
import { createRedactor } from './runner/redaction.js';
import { readDirectoryContents, writeDirectoryContents } from './runner/directoryContents.js';
import type { DirectoryContent } from './runner/directoryContents.js';
import { createTaskEventLog } from './runner/taskEventLog.js';
import { createTaskHandles } from './runner/taskHandles.js';
import { createActionRegistry } from './actions/actionRegistry.js';
import type { DryRunResult, RunOptions, ScaffolderLibrary, ScaffolderOptions, Task, } from './scaffolderTypes.js';


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
  const actions = registry.byId;
  const store = options.taskStore ?? memoryTaskStore();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const workingDirectory = path.resolve(options.workingDirectory ?? path.join(os.tmpdir(), 'portalkit-scaffolder'));
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const render = createTemplater({ filters: { ...defaultFilters(), ...options.filters }, ...(options.globals ? { globals: options.globals } : {}) });

  // Secrets live only here, in this worker's memory, for tasks it accepted.
  const secretsByTask = new Map<string, Record<string, string>>();
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const statusByTask = new Map<string, TaskStatus>();
  const dryRunContents = new Map<string, DirectoryContent[]>();
  const events = createTaskEventLog({ logger, pollIntervalMs });
  const bump = events.notify;
  const append = events.append;
  const flush = events.flush;
  const handles = createTaskHandles({
    events,
    statusOf: (taskId) => statusByTask.get(taskId),
    dryRunContentsOf: (taskId) => dryRunContents.get(taskId),
    abort: (taskId) => running.get(taskId)?.abort.abort(),
  });
  const makeHandle = handles.handle;

  const processTask = async (taskStore: TaskStore, record: TaskRecord, isDryRun: boolean, abort: AbortController): Promise<void> => {
    const taskId = record.id;
    let lostLease = false;
    statusByTask.set(taskId, 'processing');
    const secrets = secretsByTask.get(taskId);
    const redactor = createRedactor(Object.values(secrets ?? {}));
    const heartbeat = setInterval(() => {
      taskStore
        .heartbeat({ taskId, workerId, leaseMs })
        .then((beat) => {
          if (!beat.owned) {
            lostLease = true;
            abort.abort();
          } else if (beat.cancelRequested) abort.abort();
        })
        .catch((error: unknown) => logger.warn('scaffolder: heartbeat failed', { taskId, error }));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref?.();

    const workspacePath = path.join(workingDirectory, taskId);
    let final: { status: 'completed' | 'failed' | 'cancelled'; output?: JsonObject; error?: SerializedError } = { status: 'failed' };
    try {
      await mkdir(workspacePath, { recursive: true });
      if (record.spec.hasSecrets && !secrets) {
        throw new InputError(
          'The secrets of this task are unavailable: they are kept only in the memory of the worker that accepted the task, which stopped or is another process',
        );
      }
      const result = await executeWorkflow({
        taskId,
        spec: record.spec,
        secrets: secrets ?? {},
        actions,
        render,
        workspacePath,
        workingDirectory,
        isDryRun,
        signal: abort.signal,
        redactor,
        log: (body) => void append(taskStore, taskId, 'log', body),
      });
      if (isDryRun) dryRunContents.set(taskId, await readDirectoryContents(workspacePath));
      final = { status: 'completed', output: redactor.value(result.output) };
    } catch (error) {
      const cancelled = !lostLease && (error instanceof TaskCancelledError || abort.signal.aborted);
      final = { status: cancelled ? 'cancelled' : 'failed', error: redactor.value(serializeError(error)) };
      if (!cancelled) logger.info('scaffolder: task failed', { taskId, error: final.error });
    } finally {
      clearInterval(heartbeat);
      if (!options.keepWorkspaces) await rm(workspacePath, { recursive: true, force: true }).catch(() => {});
      secretsByTask.delete(taskId);
    }
    await flush(taskId);
    try {
      const done = await taskStore.completeTask({
        taskId,
        workerId,
        ...final,
        message: `Run completed with status: ${final.status}`,
      });
      if (!done) logger.warn('scaffolder: task was taken from this worker before it finished', { taskId });
    } catch (error) {
      logger.error('scaffolder: could not store the end of a task', { taskId, error });
    }
    statusByTask.set(taskId, final.status);
    bump(taskId);
  };

  let pumping = false;
  let pumpAgain = false;
  let stopped = false;
  const pump = async (): Promise<void> => {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (running.size < concurrency) {
          const record = await store.claimTask({ workerId, leaseMs });
          if (!record) break;
          const abort = new AbortController();
          const entry = { abort, done: Promise.resolve() };
          running.set(record.id, entry);
          entry.done = processTask(store, record, false, abort)
            .catch((error: unknown) => logger.error('scaffolder: task crashed', { taskId: record.id, error }))
            .finally(() => {
              running.delete(record.id);
              if (!stopped) void pump();
            });
        }
      } while (pumpAgain && running.size < concurrency);
    } catch (error) {
      logger.warn('scaffolder: could not claim tasks', { error });
    } finally {
      pumping = false;
    }
  };

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
    if (runOptions.secrets) secretsByTask.set(created.id, runOptions.secrets);
    const record = (await dryStore.claimTask({ workerId, leaseMs }))!;
    const entry = { abort: new AbortController(), done: Promise.resolve() };
    running.set(record.id, entry);
    entry.done = processTask(dryStore, record, true, entry.abort).finally(async () => {
      running.delete(record.id);
      if (templateDir) await rm(templateDir, { recursive: true, force: true }).catch(() => {});
    });
    return { task: makeHandle(dryStore, record), done: entry.done };
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  let lastRecovery = 0;

  const scaffolder: ScaffolderLibrary = {
    async run(template, runOptions = {}) {
      if (runOptions.dryRun) return (await runDry(template, runOptions)).task;
      const spec = prepare(template, runOptions);
      await mkdir(workingDirectory, { recursive: true });
      const createdBy = runOptions.createdBy ?? runOptions.user?.ref;
      const record = await store.createTask({ spec, ...(createdBy ? { createdBy } : {}) });
      if (runOptions.secrets && spec.hasSecrets) secretsByTask.set(record.id, { ...runOptions.secrets });
      void pump();
      return makeHandle(store, record);
    },
    async dryRun(template, runOptions = {}) {
      const { task, done } = await runDry(template, runOptions, { directoryContents: runOptions.directoryContents ?? [] });
      const log: DryRunResult['log'] = [];
      for await (const event of task.events()) if (event.type === 'log') log.push({ body: event.body });
      const result = await task.result;
      dryRunContents.delete(task.id);
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
      stopped = false;
      await mkdir(workingDirectory, { recursive: true });
      const tick = async () => {
        if (Date.now() - lastRecovery >= leaseMs) {
          lastRecovery = Date.now();
          const recovered = await store.recoverExpired().catch((error: unknown) => {
            logger.warn('scaffolder: task recovery failed', { error });
            return [] as string[];
          });
          for (const id of recovered) {
            logger.warn('scaffolder: recovered a task whose worker stopped', { taskId: id });
            bump(id);
          }
        }
        await pump();
      };
      await tick();
      timer ??= setInterval(() => void tick(), pollIntervalMs);
      timer.unref?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
  return scaffolder;
}
