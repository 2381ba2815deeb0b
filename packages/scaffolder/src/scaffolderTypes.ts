import type { Handler, Logger, Metrics, PortalAuth, Principal, SerializedError } from '@portalkit/core';
import type {
  ActionSchemas,
  JsonObject,
  ScaffolderAction,
  ScaffolderUser,
  TaskEvent,
  TaskEventBody,
  TaskRecord,
  TaskStatus,
  TemplateEntity,
  TemplateFilter,
  TemplateGlobal,
} from './types.js';
import type { TaskListOptions, TaskStore } from './tasks/taskStore.js';
import type { DirectoryContent } from './runner/directoryContents.js';
import type { ScaffolderHandlerOptions } from './http/options.js';
import type { TemplateParameterSchema } from './template/parameterSchema.js';

// The scaffolder's public library types, in their own module so the parts the library is composed
// of (action registry, worker, handles, dry-run) can name them without importing the library.

/** Options of {@link createScaffolder}. */
export interface ScaffolderOptions {
  actions: ScaffolderAction[];
  /** Where tasks and events are kept; default an in-memory store. */
  taskStore?: TaskStore;
  /** Host logger for worker-level problems (task logs go to task events). */
  logger?: Logger;
  /** Where task runs are counted and timed; default the registry given to `start` (the portal's). */
  metrics?: Metrics;
  /** Extra filters and globals for step inputs and `if`/`each`/`output`. */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
  /**
   * Keys sealing task secrets in the task store (AES-256-GCM; `scaffolder.secrets.keys` in
   * config): the first seals, all open, so a new key goes first and old ones stay until
   * `resealSecrets()` has run. Without keys, secrets stay in the memory of the worker that accepted
   * the task (a warning is logged at `start()`): another worker, or a restart, fails the task.
   */
  secretKeys?: Array<{ id: string; key: string }>;
  /** Tasks run at once by this scaffolder; default 4. */
  concurrency?: number;
  /** Parent of task workspaces (`<workingDirectory>/<task id>`); default `<os tmp>/portalkit-scaffolder`. */
  workingDirectory?: string;
  /** Leave each task's workspace on disk after it finishes, to inspect it (tests, debugging). Default false. */
  keepWorkspaces?: boolean;
  /** Task lease length; heartbeats run at a third of it. Default 30 s. */
  leaseMs?: number;
  /** How often `events()` and the worker (after `start()`) poll the store. Default 1 s. */
  pollIntervalMs?: number;
  /**
   * Identity, policy and audit (see docs/permissions.md). Default: allow everything, audit to
   * `logger`. `scaffolderPlugin` uses its own `auth` option, else the portal's, for requests.
   */
  auth?: PortalAuth;
  /**
   * Look up a user entity by ref for `${{ user.entity }}` (the portal passes the catalog's
   * lookup). Without it templates get `${{ user.ref }}` only.
   */
  getUserEntity?(ref: string): Promise<object | undefined> | object | undefined;
}

/**
 * Options of {@link ScaffolderLibrary.forPrincipal}.
 * @example
 * ```ts
 * scaffolder.forPrincipal(principal, { request, auth: portalAuth });
 * ```
 */
export interface ForPrincipalOptions {
  /** The request acted for: its id goes into audit events. */
  request?: Request;
  /** Decide and audit with this instead of the scaffolder's own `auth` (the plugin passes the portal's). */
  auth?: PortalAuth;
}

/** Options of {@link Scaffolder.run}. */
export interface RunOptions {
  values?: JsonObject;
  /** Available as `${{ secrets.x }}` in step inputs; redacted from logs; kept in memory, or stored sealed with `secretKeys`. */
  secrets?: Record<string, string>;
  user?: ScaffolderUser;
  dryRun?: boolean;
  /**
   * Trusted, host code only: the directory URL relative fetch `url`s resolve against. `run()`
   * defaults it to the template's location annotation (set by `loadTemplate` or the catalog);
   * `dryRun()` never reads annotations (see {@link Scaffolder.dryRun}).
   */
  baseUrl?: string;
  /**
   * Stored with the task for listing (`createdBy` filter); default `user.ref`. Host calls only:
   * a principal's tasks are always created by the principal.
   */
  createdBy?: string;
}

/** How a task ended. `result` never rejects: failures are `status: 'failed'` with `error`. */
export interface TaskResult {
  status: 'completed' | 'failed' | 'cancelled';
  output?: JsonObject;
  error?: SerializedError;
  /** Dry runs only: the files the task would have written. */
  directoryContents?: DirectoryContent[];
}

/**
 * A handle on a scaffolder task.
 * @example
 * ```ts
 * for await (const event of task.events()) console.log(event.type, event.body.message);
 * const { status, output } = await task.result;
 * ```
 */
export interface Task {
  readonly id: string;
  /** The last status this handle saw. */
  readonly status: TaskStatus;
  /** Past events, then live ones, ending after the `completion` event. */
  events(options?: { after?: number }): AsyncIterableIterator<TaskEvent>;
  /** The events stored so far with an id above `after`, without waiting. */
  listEvents(options?: { after?: number }): Promise<TaskEvent[]>;
  cancel(): Promise<void>;
  /** Resolves when the task finishes. */
  readonly result: Promise<TaskResult>;
  /** Fetch the stored record (also updates `status`). */
  get(): Promise<TaskRecord>;
}

/** An action as `GET /v2/actions` lists it. */
export interface ActionDescription {
  id: string;
  description?: string;
  examples?: Array<{ description: string; example: string }>;
  schema: ActionSchemas;
}

/** Backstage's dry-run response. */
export interface DryRunResult {
  log: Array<{ body: TaskEventBody }>;
  directoryContents: DirectoryContent[];
  output: JsonObject;
  steps: Array<{ id: string; name: string; action: string }>;
  status: TaskResult['status'];
  error?: SerializedError;
}

/**
 * The scaffolder library without its HTTP layer: validates templates and values, queues tasks
 * in its store and runs them with its actions. What the HTTP handler needs.
 */
export interface ScaffolderLibrary {
  /** Validate the template and values, store a task and start it. Bad input throws `InputError`. */
  run(template: TemplateEntity | string | unknown, options?: RunOptions): Promise<Task>;
  /**
   * Run only dry-run capable actions in a temporary workspace and report what would be written.
   * The template is treated as a client's (this is what `POST /v2/dry-run` calls): its location
   * annotations are ignored, and relative fetch URLs resolve only against `directoryContents`,
   * written to a private directory (an empty one when none are given), as in Backstage. Only a
   * host-set `baseUrl` (never an HTTP client's) replaces that directory when no contents are given.
   * With `templateFromHost` the template is treated as in a run instead (`POST /v2/dry-run` with
   * a `templateRef`).
   */
  dryRun(
    template: TemplateEntity | string | unknown,
    options?: Omit<RunOptions, 'dryRun'> & {
      directoryContents?: Array<{ path: string; base64Content?: string; executable?: boolean }>;
      /**
       * The template is the host's (a stored one, e.g. from `getTemplate`), not a client's: its
       * location annotations give the base URL its relative fetch URLs resolve against, as in a
       * run. `directoryContents` cannot be combined with it (an `InputError`).
       */
      templateFromHost?: boolean;
    },
  ): Promise<DryRunResult>;
  /** The task, or undefined when it does not exist (or, for a principal, when it may not read it). */
  getTask(taskId: string): Promise<Task | undefined>;
  /**
   * Retry a failed or cancelled task (Backstage's `POST /v2/tasks/:taskId/retry`): it resumes at
   * the step it stopped in when it can (see docs/scaffolder-tasks.md), else starts over. A
   * principal needs `scaffolder.task.create` and `scaffolder.task.read` on the task. A task
   * started with secrets needs them again (`InputError` without). Unknown: `NotFoundError`;
   * still running: `ConflictError`.
   */
  retryTask(taskId: string, options?: { secrets?: Record<string, string> }): Promise<Task>;
  /** Tasks, newest first; for a principal only those it may read, counted in the store's query. */
  listTasks(options?: TaskListOptions): Promise<{ tasks: TaskRecord[]; totalTasks: number }>;
  listActions(): ActionDescription[];
  /**
   * The form description of a template (`GET /v2/templates/.../parameter-schema`); for a
   * principal without the parameter sections it may not read.
   */
  getParameterSchema(template: TemplateEntity | unknown): Promise<TemplateParameterSchema>;
  /**
   * The same scaffolder acting for `principal`: `scaffolder.task.create` and the template's
   * step tags are checked before a task is stored, parameter sections it may not read are
   * hidden, its action decision is applied to every step, reads are filtered by
   * `scaffolder.task.read` (a task it may not read does not exist), cancelling needs
   * `scaffolder.task.cancel`, and mutations are audited. Calls on the scaffolder itself are the
   * trusted host's: everything allowed, audited as the host.
   *
   * @example
   * ```ts
   * const principal = await auth.identify(request);
   * const task = await scaffolder.forPrincipal(principal, { request }).run(template, { values });
   * ```
   */
  forPrincipal(principal: Principal, options?: ForPrincipalOptions): ScaffolderLibrary;
  /** The identity, policy and audit this scaffolder (or view) decides and audits with. */
  readonly auth: PortalAuth;
  /**
   * Poll the store for tasks queued elsewhere and recover tasks of crashed workers. `auth`: the
   * auth requests are decided with (the plugin passes its own or the portal's); when it has a
   * policy, so do the tasks this scaffolder runs, whoever stored them (docs/permissions.md).
   */
  start(options?: { auth?: PortalAuth | undefined; metrics?: Metrics | undefined }): Promise<void>;
  /** Stop polling and wait for running tasks. */
  stop(): Promise<void>;
  /**
   * Key rotation: re-seal with the first of `secretKeys` every stored task secret sealed with
   * another key; returns how many. Secrets no configured key opens are left as they are.
   */
  resealSecrets(): Promise<number>;
}

/**
 * A running scaffolder: validates templates and values, queues tasks in its store, runs them
 * with its actions, and serves Backstage's scaffolder API.
 *
 * @example
 * ```ts
 * const scaffolder: Scaffolder = createScaffolder({ actions: builtinActions({ catalog }) });
 * createServer(toNodeHandler(scaffolder.handler({ basePath: '/api/scaffolder', getTemplate }))).listen(7007);
 * ```
 */
export interface Scaffolder extends ScaffolderLibrary {
  /** Backstage's scaffolder HTTP API as a web-standard handler. */
  handler(options: ScaffolderHandlerOptions): Handler;
}
