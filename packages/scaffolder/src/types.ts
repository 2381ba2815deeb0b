/**
 * Contracts of the scaffolder: templates, actions, tasks and the catalog it talks to.
 * Implementations live beside this file; everything here is plain data or small interfaces.
 */
import type { Logger, PolicyDecision, Principal, SerializedError } from '@portalkit/core';
import type { EntityUpdate, EntityUpdateResult } from '@portalkit/catalog-model';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The `apiVersion` of the templates this package runs. */
export const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

/** One step of a template's `spec.steps`. */
export interface TemplateStep {
  id: string;
  name?: string;
  action: string;
  input?: JsonObject;
  /** Skip the step when this renders falsy (`false`, `''`, `0`, `null`, `[]`). */
  if?: string | boolean;
  /** Run the action once per item (array) or entry (object); templates see `each.key`/`each.value`. */
  each?: string | JsonValue[] | JsonObject;
}

/** One page of `spec.parameters`: a JSON Schema object plus `ui:*` hints kept for frontends. */
export type TemplateParameterPage = JsonObject & {
  title?: string;
  description?: string;
  properties?: JsonObject;
  required?: string[];
};

/** A Template entity (`kind: Template`, `apiVersion: scaffolder.backstage.io/v1beta3`). */
export interface TemplateEntity {
  apiVersion: string;
  kind: 'Template';
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: {
    type?: string;
    owner?: string;
    /** Always normalised to an array of pages by `parseTemplate`. */
    parameters: TemplateParameterPage[];
    steps: TemplateStep[];
    output?: JsonObject;
    [key: string]: unknown;
  };
}

/** The person running a template, as Backstage passes it to actions and templates. */
export interface ScaffolderUser {
  /** The user's entity (`${{ user.entity.metadata.name }}`). */
  entity?: JsonObject;
  /** The user's entity ref, e.g. `user:default/jane`. */
  ref?: string;
}

/** Where the template came from; `baseUrl` resolves relative `url` inputs of fetch actions. */
export interface TemplateInfo {
  entityRef: string;
  /** A `file:` or remote URL of the directory holding template.yaml (ends with `/`). */
  baseUrl?: string;
  entity?: { metadata: JsonObject };
}

/** Everything a task needs to run, stored with the task (never its secrets). */
export interface TaskSpec {
  apiVersion: string;
  parameters: JsonObject;
  steps: TemplateStep[];
  output: JsonObject;
  templateInfo: TemplateInfo;
  user?: ScaffolderUser;
  /** True when the task was started with secrets; a worker lacking them fails the task. */
  hasSecrets?: boolean;
  /**
   * What happens when the worker running the task dies (its lease expires), from the template's
   * `spec.EXPERIMENTAL_recovery` (Backstage's key): see {@link TaskRecoveryStrategy}.
   */
  EXPERIMENTAL_recovery?: { EXPERIMENTAL_strategy?: TaskRecoveryStrategy };
}

/**
 * How a task whose worker died is recovered (`spec.EXPERIMENTAL_recovery.EXPERIMENTAL_strategy`):
 * - `none` (default): it fails, as in Backstage; it can still be retried (`POST /v2/tasks/:id/retry`);
 * - `startOver` (Backstage's): it is queued again and runs from its first step in a fresh
 *   workspace; results of `ctx.checkpoint` are reused, so checkpointed work is not done twice;
 * - `resume` (portalkit): it is queued again and resumes at the step that was running, with the
 *   earlier steps' outputs and the workspace as that step found it, when that step's action is
 *   `idempotent` (or had not started); otherwise it starts over.
 * A task is recovered at most {@link MAX_TASK_RECOVERIES} times; after that it fails.
 */
export type TaskRecoveryStrategy = 'none' | 'startOver' | 'resume';

/** How many times one task is queued again after its worker died, before it is failed instead. */
export const MAX_TASK_RECOVERIES = 3;

/** A checkpoint's stored result (Backstage's shape): a success is reused, a failure re-runs. */
export type TaskCheckpoint = { status: 'success'; value: JsonValue } | { status: 'failed'; reason: string };

/**
 * What a task keeps between runs of it (retries, recoveries), written only by the worker holding
 * its lease: checkpoint results, and how far its steps got.
 */
export interface TaskState {
  /** `ctx.checkpoint` results by key (`v1.task.checkpoint.<step id>.<key>`, as in Backstage). */
  checkpoints: Record<string, TaskCheckpoint>;
  /**
   * Finished steps, in the order they ran: their status and outputs (absent when an output held
   * a secret: such a step runs again), and the step that had begun its action (`begun`).
   */
  steps: Array<{ id: string; status: 'completed' | 'skipped' | 'begun'; output?: Record<string, JsonValue> }>;
}

/**
 * A task's secrets sealed with AES-256-GCM (see `scaffolder.secrets.keys`): the id of the key
 * that sealed them, the 96-bit random IV, the ciphertext of their JSON and the auth tag, base64.
 */
export interface SealedSecrets {
  keyId: string;
  iv: string;
  data: string;
  tag: string;
}

/** Lifecycle of a task. */
export type TaskStatus = 'open' | 'processing' | 'completed' | 'failed' | 'cancelled';

/** Kinds of task events, as in Backstage's scaffolder API. */
export type TaskEventType = 'log' | 'completion' | 'cancelled' | 'recovered';

/** How the next run of a task begins: from its first step, or resuming at the step it stopped in. */
export type TaskResumeMode = 'startOver' | 'resume';

/** The body of a task event (Backstage shape, plus `output`/`error` on completion). */
export interface TaskEventBody {
  message: string;
  stepId?: string;
  status?: TaskStatus | 'skipped';
  output?: JsonObject;
  error?: SerializedError;
  [key: string]: unknown;
}

/** One persisted task event. Ids increase within a store. */
export interface TaskEvent {
  id: number;
  taskId: string;
  type: TaskEventType;
  body: TaskEventBody;
  createdAt: string;
}

/**
 * Who a task acts as, stored with it: the trusted host (`{ type: 'host' }`: a library call
 * without `forPrincipal`), or the verified principal that created it (its claims dropped) and
 * whether the auth it was created under had a policy. Actions that call other services (the
 * catalog actions) act as this creator, never as the host, in tasks and dry runs alike.
 *
 * @example
 * ```ts
 * const creator: TaskCreator = { type: 'principal', principal: { type: 'user', subject: 'jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: [], claims: {} }, policy: true };
 * ```
 */
export type TaskCreator = { type: 'host' } | { type: 'principal'; principal: Principal; policy: boolean };

/** One stored task. */
export interface TaskRecord {
  id: string;
  spec: TaskSpec;
  status: TaskStatus;
  createdAt: string;
  /** Who created the task: the principal's `userEntityRef`, else its `subject`; absent for tasks a host created without one. */
  createdBy?: string;
  /**
   * The creator's `scaffolder.action.execute` decision, taken when the task was created; every
   * step's action and rendered input are checked against it as the step runs. Never served over HTTP.
   */
  actionDecision?: PolicyDecision;
  /**
   * Who the task acts as ({@link TaskCreator}); never served over HTTP. Absent for tasks stored
   * before this version (or by a store that drops it): their catalog actions run as the host only
   * in a scaffolder without a policy, and are refused under one.
   */
  creator?: TaskCreator;
  /** The worker holding the lease, while `processing`. */
  claimedBy?: string;
  leaseExpiresAt?: string;
  lastHeartbeatAt?: string;
  /** Set by `cancel()` on a running task; its worker aborts at the next heartbeat. */
  cancelRequested: boolean;
  completedAt?: string;
  output?: JsonObject;
  error?: SerializedError;
  /** Checkpoints and step progress kept for retries and recoveries ({@link TaskState}); never served over HTTP. */
  state?: TaskState;
  /** Set by a retry or a recovery: how the next run begins. Absent for a first run. */
  resumeMode?: TaskResumeMode;
  /** How many times the task was queued again after its worker died. */
  recoveries?: number;
  /**
   * The task's secrets, sealed, while it has not ended (only with `scaffolder.secrets.keys`).
   * Never served over HTTP; deleted when the task completes, fails or is cancelled.
   */
  sealedSecrets?: SealedSecrets;
}

/** A nunjucks filter available in templates (`${{ x | myFilter(arg) }}`). Arguments are JSON. */
export type TemplateFilter = (...args: JsonValue[]) => JsonValue | undefined;
/** A nunjucks global: a JSON value or a function of JSON arguments. */
export type TemplateGlobal = JsonValue | ((...args: JsonValue[]) => JsonValue | undefined);

/**
 * What a scaffolder action receives.
 *
 * @example
 * ```ts
 * handler: async (ctx) => { ctx.logger.info(`writing to ${ctx.workspacePath}`); ctx.output('ok', true); }
 * ```
 */
export interface ActionContext<Input = JsonObject> {
  /** The rendered, validated input of the step. */
  input: Input;
  /** Root of the task's workspace; every write must stay below it. */
  workspacePath: string;
  /** Logs to the task's event stream (secrets redacted). */
  logger: Logger;
  /** Set a step output (`${{ steps.<id>.output.<name> }}`). */
  output(name: string, value: JsonValue): void;
  /** A fresh directory removed after the step. */
  createTemporaryDirectory(): Promise<string>;
  secrets: Record<string, string>;
  /**
   * Hide values the action derived from a secret from the task's events, logs and output,
   * whatever their length (secrets themselves, and input values a template derived from them,
   * are hidden already). `fetch:template` reports here what it rendered from such values.
   * The runner always sets it; it is optional for contexts built by hand in tests.
   */
  redact?(values: string | Iterable<string>): void;
  /** Aborted when the task is cancelled. */
  signal: AbortSignal;
  /**
   * Run `fn` once for this task (Backstage's `ctx.checkpoint`): its JSON result is stored with the
   * task under `key` (scoped to the step), and a retried or recovered run gets the stored result
   * instead of running `fn` again. A failure is stored too, and `fn` runs again next time. A result
   * holding a secret is refused (`InputError`): the store keeps results unencrypted. The runner
   * always sets it; it is optional for contexts built by hand in tests.
   */
  checkpoint?<T extends JsonValue>(options: { key: string; fn: () => Promise<T> | T }): Promise<T>;
  user?: ScaffolderUser;
  isDryRun: boolean;
  templateInfo?: TemplateInfo;
  step: { id: string; name?: string };
  task: { id: string };
  /** The principal that created the task (claims dropped); absent for host-created tasks and tasks stored without their creator. */
  principal?: Principal;
  /**
   * `service` as the task's creator: the service itself for host-created tasks,
   * `service.forPrincipal(principal)` for a principal's (reads filtered, mutations checked and
   * audited as that principal). Throws `NotAllowedError` under a permission policy when the
   * creator is unknown or `service` has no `forPrincipal`; without a policy those fall back to
   * `service` (allow-all). `what` names the service for the error. The runner always sets it;
   * it is optional for contexts built by hand in tests, where actions use `service` as is.
   */
  asCreator?<T extends ServiceForPrincipal<T>>(service: T, what: string): T;
}

/**
 * A service that can act as a principal (`@portalkit/catalog`'s `forPrincipal`, for example);
 * what `ActionContext.asCreator` takes.
 *
 * @example
 * ```ts
 * const deployer: Deployer & ServiceForPrincipal<Deployer> = { deploy, forPrincipal: (p) => deployerFor(p) };
 * const asUser = ctx.asCreator?.(deployer, 'acme:deploy (deployer)') ?? deployer;
 * ```
 */
export interface ServiceForPrincipal<T> {
  forPrincipal?(principal: Principal): T;
}

/** An action's schemas, as JSON Schema (what `GET /v2/actions` lists). */
export interface ActionSchemas {
  input?: JsonObject;
  output?: JsonObject;
}

/**
 * A scaffolder action, as made by `createAction`.
 *
 * @example
 * ```ts
 * const hello: ScaffolderAction = createAction({ id: 'hello', handler: async (ctx) => ctx.logger.info('hi') });
 * ```
 */
export interface ScaffolderAction {
  id: string;
  description?: string;
  examples?: Array<{ description: string; example: string }>;
  supportsDryRun: boolean;
  /**
   * The action declares that running it again with the same input, over the workspace and the
   * outside world as a previous, interrupted run of it left them, gives the same result and no
   * duplicate effect. Only then does a retried or recovered task resume at a step of this action
   * that had begun; otherwise the task starts over (checkpoints still reused). Default false.
   */
  idempotent?: boolean;
  /** JSON Schemas of input and output. */
  schema: ActionSchemas;
  /** Validate (and coerce) raw input; throws `InputError` naming each bad field. */
  parseInput(input: unknown): unknown;
  handler(ctx: ActionContext<unknown>): Promise<void>;
}

/** A catalog location, as the catalog's `addLocation` takes it. */
export interface ScaffolderLocationSpec {
  type: string;
  target: string;
}

/**
 * The slice of a catalog the scaffolder's catalog actions need. `@portalkit/catalog` satisfies it;
 * tests can pass a small object.
 *
 * @example
 * ```ts
 * const catalog: ScaffolderCatalog = {
 *   async addLocation(location) { return { location: { id: '1', ...location }, entities: [] }; },
 *   async getEntityByRef() { return undefined; },
 * };
 * ```
 */
export interface ScaffolderCatalog {
  addLocation(
    location: ScaffolderLocationSpec,
    options?: { dryRun?: boolean },
  ): Promise<{ location: ScaffolderLocationSpec & { id?: string }; entities: Array<CatalogEntityLike> }>;
  getEntityByRef(ref: string): Promise<CatalogEntityLike | undefined>;
  /** Optional: ask the catalog to refresh an entity now. */
  refresh?(options: { entityRef: string }): Promise<void>;
  /**
   * The catalog as `principal` may use it (reads filtered, registration checked against
   * `catalog.location.create` + `catalog.entity.create` and audited as the principal). The catalog
   * actions act as the task's creator through it; without it they fail closed under a policy.
   * `@portalkit/catalog`'s `Catalog` has it.
   */
  forPrincipal?(principal: Principal): ScaffolderCatalog;
  /** Optional: change an entity through its source (`catalog:entity:update`); `@portalkit/catalog`'s `Catalog` has it. */
  updateEntity?(entityRef: string, update: EntityUpdate): Promise<EntityUpdateResult>;
}

/** The minimal shape of a catalog entity the scaffolder reads. */
export interface CatalogEntityLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
