import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, type PolicyDecision } from '@portalkit/core';
import type { TaskCreator, TaskSpec, TemplateEntity } from '../types.js';
import { memoryTaskStore } from '../tasks/memoryTaskStore.js';
import { prepareTaskSpec } from '../template/taskSpec.js';
import { parseTemplate } from '../template/parseTemplate.js';
import type { DryRunResult, RunOptions, ScaffolderLibrary, Task } from '../scaffolderTypes.js';
import { writeDirectoryContents } from './directoryContents.js';
import type { TaskHandles } from './taskHandles.js';
import type { TaskWorker } from './taskWorker.js';

/** Files a client sends with a template to dry-run. */
export type ClientDirectoryContents = Array<{ path: string; base64Content?: string; executable?: boolean }>;

/** Stored with a dry run's private task: its creator and its `scaffolder.action.execute` decision. */
export interface DryRunTaskExtras {
  createdBy?: string;
  actionDecision?: PolicyDecision;
  /** Who the dry run acts as (catalog actions read as this creator); default the host. */
  creator?: TaskCreator;
}

/** Runs templates with only their dry-run capable actions, in a private store never queued. */
export interface DryRunner {
  /**
   * Start a dry run. `client`: the template (and its files) came from a caller of `dryRun()`;
   * relative URLs then resolve only inside a private directory holding the files it sent, as in
   * Backstage. `done` resolves once the run finished and that directory is removed.
   */
  start(
    template: unknown,
    runOptions: RunOptions,
    client?: { directoryContents: ClientDirectoryContents },
    extras?: DryRunTaskExtras,
  ): Promise<{ task: Task; done: Promise<void> }>;
  /** `ScaffolderLibrary.dryRun`: run a client's template and answer as Backstage's dry-run does. */
  dryRun(template: unknown, options?: Parameters<ScaffolderLibrary['dryRun']>[1], extras?: DryRunTaskExtras): ReturnType<ScaffolderLibrary['dryRun']>;
}

/** Options of {@link createDryRunner}. */
export interface DryRunnerOptions {
  worker: TaskWorker;
  handles: TaskHandles;
  /** Parent of the private template directories, absolute. */
  workingDirectory: string;
  /** The template check, run before anything is written (`assertTemplateChecks`). */
  checkTemplate: (template: TemplateEntity) => void;
}

const removeDir = (dir: string) => rm(dir, { recursive: true, force: true }).catch(() => {});

/** Create the dry-runner of one scaffolder. */
export function createDryRunner({ worker, handles, workingDirectory, checkTemplate }: DryRunnerOptions): DryRunner {
  // The client's files go to a fresh private directory; a host-set `baseUrl` is used only when
  // the client sent none.
  const writeClientFiles = async (contents: ClientDirectoryContents): Promise<string> => {
    await mkdir(workingDirectory, { recursive: true });
    const dir = await mkdtemp(path.join(workingDirectory, 'dry-run-template-'));
    try {
      await writeDirectoryContents(dir, contents);
    } catch (error) {
      await removeDir(dir);
      throw error;
    }
    return dir;
  };

  const start: DryRunner['start'] = async (template, runOptions, client, extras = {}) => {
    // A template with problems is refused before its files are written.
    checkTemplate(parseTemplate(template));
    let baseUrl = runOptions.baseUrl;
    let templateDir: string | undefined;
    if (client && (client.directoryContents.length || !baseUrl)) {
      templateDir = await writeClientFiles(client.directoryContents);
      baseUrl = pathToFileURL(templateDir).toString() + '/';
    }
    let spec: TaskSpec;
    try {
      spec = prepareTaskSpec(template, { ...runOptions, ...(baseUrl ? { baseUrl } : {}) }, client !== undefined);
    } catch (error) {
      if (templateDir) await removeDir(templateDir);
      throw error;
    }
    // Dry runs are never queued: a private store keeps their events for the caller only.
    const dryStore = memoryTaskStore();
    const createdBy = extras.createdBy ?? runOptions.createdBy;
    const created = await dryStore.createTask({
      spec,
      ...(createdBy ? { createdBy } : {}),
      ...(extras.actionDecision ? { actionDecision: extras.actionDecision } : {}),
      creator: extras.creator ?? { type: 'host' },
    });
    if (runOptions.secrets) worker.keepSecrets(created.id, runOptions.secrets);
    const record = (await worker.claim(dryStore))!;
    const done = worker.runDry(dryStore, record, async () => {
      if (templateDir) await removeDir(templateDir);
    });
    return { task: handles.handle(dryStore, record), done };
  };

  return {
    start,
    async dryRun(template, runOptions = {}, extras = {}) {
      const { templateFromHost, ...options } = runOptions;
      if (templateFromHost && options.directoryContents) throw new InputError('dryRun: directoryContents cannot be given with a template from the host');
      // A host's template resolves its files from its location, as a run does; a client's only from its own files.
      const client = templateFromHost ? undefined : { directoryContents: options.directoryContents ?? [] };
      const { task, done } = await start(template, options, client, extras);
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
  };
}
