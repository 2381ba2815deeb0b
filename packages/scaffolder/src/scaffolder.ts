import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, type PortalAuth, createLogger, createPortalAuth, principalSchema } from '@portalkit/core';
import { memoryTaskStore } from './tasks/memoryTaskStore.js';
import { createTemplater } from './render/templater.js';
import { defaultFilters } from './render/filters.js';
import { createDryRunner } from './runner/dryRun.js';
import { createTaskEventLog } from './runner/taskEventLog.js';
import { createTaskHandles } from './runner/taskHandles.js';
import { createTaskWorker } from './runner/taskWorker.js';
import { createActionRegistry } from './actions/actionRegistry.js';
import type { ScaffolderLibrary, ScaffolderOptions } from './scaffolderTypes.js';
import type { TemplateEntity } from './types.js';
import { assertTemplateChecks } from './template/static-check.js';
import { type ScaffolderParts, createScaffolderView } from './access/scaffolderView.js';
import { type TaskRunRecorder, createTaskRunRecorder } from './runner/task-metrics.js';
import { createSecretBox } from './tasks/secretBox.js';

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
  if (options.getUserEntity !== undefined && typeof options.getUserEntity !== 'function') {
    throw new InputError('createScaffolder: options.getUserEntity must be a function');
  }
  const registry = createActionRegistry(options.actions);
  const store = options.taskStore ?? memoryTaskStore();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const auth = options.auth ?? createPortalAuth({ logger });
  // Whether any auth this scaffolder decides with has a policy: then tasks run no action without
  // a stored decision and their catalog actions never fall back to the host (see TaskWorkerOptions).
  let policyInUse = auth.hasPolicy;
  const notePolicy = (used: PortalAuth | undefined) => {
    if (used?.hasPolicy) policyInUse = true;
  };
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const workingDirectory = path.resolve(options.workingDirectory ?? path.join(os.tmpdir(), 'portalkit-scaffolder'));
  const render = createTemplater({ filters: { ...defaultFilters(), ...options.filters }, ...(options.globals ? { globals: options.globals } : {}) });
  const events = createTaskEventLog({ logger, pollIntervalMs });
  let recordRun: TaskRunRecorder | undefined = options.metrics ? createTaskRunRecorder(options.metrics) : undefined;
  const secretBox = options.secretKeys !== undefined ? createSecretBox(options.secretKeys) : undefined;
  let warnedInMemorySecrets = false;
  const worker = createTaskWorker({
    ...(secretBox ? { secretBox } : {}),
    recordRun: () => recordRun,
    store,
    actions: registry.byId,
    render,
    events,
    logger,
    concurrency: Math.max(1, options.concurrency ?? 4),
    leaseMs,
    workingDirectory,
    keepWorkspaces: options.keepWorkspaces === true,
    policyInUse: () => policyInUse,
  });
  // Checked before a task is stored or a dry run starts: actions, input keys, filters, step references.
  const filterNames = Object.keys(options.filters ?? {});
  const checkTemplate = (template: TemplateEntity) => assertTemplateChecks(template, { actions: registry.byId.values(), filters: filterNames });
  const handles = createTaskHandles({ events, statusOf: worker.statusOf, dryRunContentsOf: worker.dryRunContentsOf, abort: worker.abort });
  const dryRunner = createDryRunner({ worker, handles, workingDirectory, checkTemplate });
  const parts: ScaffolderParts = { store, worker, handles, workingDirectory, registry, dryRunner, getUserEntity: options.getUserEntity, checkTemplate, secretBox };
  let timer: ReturnType<typeof setInterval> | undefined;

  const library: ScaffolderLibrary = {
    // Host calls: everything allowed, mutations audited as the host.
    ...createScaffolderView(parts, { auth, logger }),
    auth,
    forPrincipal(principal, viewOptions = {}) {
      const checked = principalSchema.safeParse(principal);
      if (!checked.success) throw new InputError('scaffolder.forPrincipal: not a Principal');
      const viewAuth = viewOptions.auth ?? auth;
      notePolicy(viewAuth);
      const view = createScaffolderView(parts, {
        auth: viewAuth,
        principal: checked.data,
        logger,
        ...(viewOptions.request ? { request: viewOptions.request } : {}),
      });
      return { ...view, auth: viewAuth, forPrincipal: library.forPrincipal, start: library.start, stop: library.stop, resealSecrets: library.resealSecrets };
    },
    async start(startOptions = {}) {
      notePolicy(startOptions.auth);
      if (!recordRun && startOptions.metrics) recordRun = createTaskRunRecorder(startOptions.metrics);
      worker.resume();
      if (!secretBox && !warnedInMemorySecrets) {
        warnedInMemorySecrets = true;
        logger.warn(
          'scaffolder: no scaffolder.secrets.keys configured: task secrets are kept only in the memory of the worker that accepted the task, so a task with secrets fails when another worker or a restarted process runs it (see docs/scaffolder-tasks.md)',
        );
      }
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
    async resealSecrets() {
      if (!secretBox) return 0;
      return store.resealSecrets((sealed) => {
        if (!secretBox.needsReseal(sealed)) return undefined;
        try {
          return secretBox.seal(secretBox.open(sealed));
        } catch {
          // Opened by no configured key (or tampered): left for its task to fail cleanly.
          return undefined;
        }
      });
    },
  };
  return library;
}
