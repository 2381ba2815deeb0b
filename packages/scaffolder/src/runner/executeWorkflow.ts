import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CustomErrorBase, InputError, NotAllowedError, createLogger } from '@portalkit/core';
import type { LogRecord, Principal } from '@portalkit/core';
import type { ActionContext, JsonObject, JsonValue, ScaffolderAction, TaskEventBody, TaskSpec, TemplateStep } from '../types.js';
import type { Templater } from '../render/templater.js';
import { collectScalars, isTruthy, renderValue, renderValueTracked } from '../render/renderValue.js';
import { markHolders, markSecret } from '../render/taint.js';
import { unknownActionMessage } from '../template/static-check.js';
import { unknownInputKeys } from '../template/input-keys.js';
import { stepLocation } from '../template/template-problem.js';
import { createStepOutputs } from './stepOutputs.js';
import type { StepOutputs } from './stepOutputs.js';
import type { Redactor } from './redaction.js';
import type { ActionAuthorizer } from '../access/actionAccess.js';
import type { AsCreator } from '../access/creatorAccess.js';
import type { TaskProgress } from './taskProgress.js';
import type { ResumePlan } from './resumePlan.js';

/**
 * The task was cancelled while running.
 * @example
 * ```ts
 * if (error.name === 'TaskCancelledError') console.log('stopped by a user');
 * ```
 */
export class TaskCancelledError extends CustomErrorBase {
  override name = 'TaskCancelledError' as const;
}

/** What running one task needs. */
export interface WorkflowOptions {
  taskId: string;
  spec: TaskSpec;
  secrets: Record<string, string>;
  actions: ReadonlyMap<string, ScaffolderAction>;
  render: Templater;
  workspacePath: string;
  /** Parent directory of step temporary directories. */
  workingDirectory: string;
  isDryRun: boolean;
  signal: AbortSignal;
  /** Receives every log event body, already redacted. */
  log(body: TaskEventBody): void;
  redactor: Redactor;
  /** `scaffolder.action.execute` for each step's action and rendered input; default: allow. */
  authorizeAction?: ActionAuthorizer;
  /** The task's creator, for `ActionContext.principal`. */
  principal?: Principal;
  /** `ActionContext.asCreator`; default: every service as it is (host-created task, no policy). */
  asCreator?: AsCreator;
  /** Records steps and checkpoints in the task store (not for dry runs). */
  progress?: TaskProgress;
  /** Where to begin and the steps kept from an earlier run (default: the first step). */
  plan?: Pick<ResumePlan, 'startAt' | 'kept'>;
}

/** How each step ended. */
export interface StepResult {
  id: string;
  name: string;
  action: string;
  status: 'completed' | 'skipped' | 'failed';
}

/** The outcome of a successful run. */
export interface WorkflowResult {
  output: JsonObject;
  steps: StepResult[];
}

type TemplateContext = {
  parameters: JsonObject;
  steps: Record<string, { output: Record<string, JsonValue> }>;
  secrets?: Record<string, string>;
  user?: TaskSpec['user'];
  each?: { key: string; value: JsonValue };
  context: { task: { id: string } };
};

/** An example of an action's output from its JSON Schema, used for steps skipped in dry runs. */
export function generateExampleOutput(schema: JsonObject | undefined): JsonValue {
  if (!schema) return {};
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length) return examples[0]!;
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, generateExampleOutput(v)]));
    }
    case 'array':
      return schema.items && typeof schema.items === 'object' ? [generateExampleOutput(schema.items as JsonObject)] : [];
    case 'string':
      return '<example>';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    default:
      return '<unknown>';
  }
}

function formatRecord(record: LogRecord): string {
  const fields = Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
  return `${record.message}${fields}`;
}

const safeName = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * Run a task's steps in order, like Backstage's NunjucksWorkflowRunner: `if`, `each`, dry-run
 * skipping, input rendering/validation, step outputs, and the final `output` rendering.
 * Throws the failing step's error (or {@link TaskCancelledError}).
 */
export async function executeWorkflow(options: WorkflowOptions): Promise<WorkflowResult> {
  const { spec, render, redactor, signal } = options;
  // Marked, so every render reading it (and whatever it produced) is known to come from a secret.
  const secrets = markSecret({ ...options.secrets });
  const outputs = createStepOutputs(spec.steps, options.actions);
  const context: TemplateContext = {
    parameters: spec.parameters,
    steps: outputs.steps,
    ...(spec.user ? { user: spec.user } : {}),
    context: { task: { id: options.taskId } },
  };
  const log = (body: TaskEventBody) => options.log(redactor.value(body));
  const results: StepResult[] = [];
  const checkCancelled = (step: TemplateStep) => {
    if (signal.aborted) throw new TaskCancelledError(`Step ${step.id} (${step.name ?? step.action}) of task ${options.taskId} has been cancelled.`);
  };

  log({ message: `Starting up task with ${spec.steps.length} steps` });
  for (const [index, step] of spec.steps.entries()) {
    const where = stepLocation(index, step.id);
    outputs.at(index);
    if (options.plan && index < options.plan.startAt) {
      results.push(keepStep(step, options.plan.kept[index]!, outputs, log));
      continue;
    }
    const result: StepResult = { id: step.id, name: step.name ?? step.id, action: step.action, status: 'failed' };
    results.push(result);
    log({ message: `Beginning step ${result.name}`, stepId: step.id, status: 'processing' });
    try {
      checkCancelled(step);
      if (
        step.if === false ||
        (typeof step.if === 'string' && step.each === undefined && !isTruthy(renderValue(step.if, context, render, `${where}.if`)))
      ) {
        log({ message: `Skipping step ${step.id} because its if condition was false`, stepId: step.id, status: 'skipped' });
        result.status = 'skipped';
        await options.progress?.finish(step.id, 'skipped', undefined);
        continue;
      }
      const action = options.actions.get(step.action);
      if (!action) throw new InputError(`${where}.action: ${unknownActionMessage(step.action, options.actions.keys())}`);

      if (options.isDryRun) {
        const shown = renderValue(step.input ?? {}, { ...context, secrets: mask(options.secrets) }, render, `${where}.input`);
        log({ message: `Running ${action.id} in dry-run mode with inputs (secrets redacted): ${JSON.stringify(shown, null, 2)}`, stepId: step.id });
        if (!action.supportsDryRun) {
          assertActionAllowed(options, step, action.id, [shown]);
          log({ message: `Skipping because ${action.id} does not support dry-run`, stepId: step.id, status: 'skipped' });
          const example = generateExampleOutput(action.schema.output);
          outputs.record(step.id, (example && typeof example === 'object' && !Array.isArray(example) ? example : {}) as Record<string, JsonValue>, false);
          result.status = 'skipped';
          continue;
        }
      }

      const stepContext: TemplateContext = { ...context, secrets: options.isDryRun ? {} : secrets };
      const each = step.each !== undefined ? renderValueTracked(step.each, stepContext, render, `${where}.each`) : undefined;
      const resolvedEach = each?.value;
      if (step.each !== undefined && (resolvedEach === undefined || resolvedEach === null || typeof resolvedEach !== 'object')) {
        throw new InputError(`Invalid value on action ${action.id}.each parameter, "${String(step.each)}" cannot be resolved to a value`);
      }
      // Items computed from a secret are logged as `Running step each: …` and reach inputs
      // through `each`, so they are hidden like the secrets themselves, and their `each` is marked.
      const eachSecrets = new Set(each?.secretValues ?? []);
      const iterations = (
        resolvedEach
          ? Object.entries(resolvedEach as Record<string, JsonValue>).map(([key, value]) => {
              const keyed = Array.isArray(resolvedEach) ? [] : [key];
              const scalars = [...keyed, ...collectScalars(value)];
              if (!scalars.some((v) => eachSecrets.has(v))) return { each: { key, value } };
              redactor.add(scalars);
              return { each: markSecret({ key, value }) };
            })
          : [{}]
      ).map((iteration: { each?: { key: string; value: JsonValue } }) => {
        const full = { ...stepContext, ...iteration };
        const shouldRun = !iteration.each || !step.if || isTruthy(renderValue(step.if, full, render, `${where}.if`));
        const { value: raw, secretValues } = step.input ? renderValueTracked(step.input, full, render, `${where}.input`) : { value: {}, secretValues: [] };
        redactor.add(secretValues);
        return { ...iteration, shouldRun, raw, secretValues: new Set(secretValues) };
      });

      const parsed = parseIterations(action, step, where, iterations);
      assertActionAllowed(options, step, action.id, parsed);

      const stepOutput: Record<string, JsonValue> = {};
      const tmpDirs: string[] = [];
      await options.progress?.begin(step.id);
      const logger = createLogger({
        level: 'debug',
        sink: (record) => log({ message: formatRecord(record), stepId: step.id, ...(record.level !== 'info' ? { level: record.level } : {}) }),
      });
      try {
        for (const [index, iteration] of iterations.entries()) {
          checkCancelled(step);
          if (iteration.each) {
            const shown = JSON.stringify(iteration.each, (k, v: unknown) => (k ? String(v) : v));
            if (!iteration.shouldRun) {
              log({ message: `Skipping step each: ${shown}`, stepId: step.id });
              continue;
            }
            log({ message: `Running step each: ${shown}`, stepId: step.id });
          }
          await action.handler({
            input: parsed[index],
            workspacePath: options.workspacePath,
            logger,
            secrets: options.secrets,
            redact: (values) => redactor.add(typeof values === 'string' ? [values] : values),
            signal,
            isDryRun: options.isDryRun,
            templateInfo: spec.templateInfo,
            ...(spec.user ? { user: spec.user } : {}),
            step: { id: step.id, ...(step.name ? { name: step.name } : {}) },
            task: { id: options.taskId },
            checkpoint: checkpointFor(options, step, iteration.each, log),
            ...(options.principal ? { principal: structuredClone(options.principal) } : {}),
            asCreator: options.asCreator ?? ((service) => service),
            output(name, value) {
              if (step.each !== undefined) {
                const list = (stepOutput[name] ??= []) as JsonValue[];
                list.push(value);
              } else {
                stepOutput[name] = value;
              }
            },
            async createTemporaryDirectory() {
              const dir = await mkdtemp(path.join(options.workingDirectory, `${safeName(options.taskId)}_step-${safeName(step.id)}-`));
              tmpDirs.push(dir);
              return dir;
            },
          });
        }
      } finally {
        await Promise.all(tmpDirs.map((dir) => rm(dir, { recursive: true, force: true })));
      }
      // Outputs holding a secret or a value derived from one taint whatever later reads them.
      const holdsSecret = JSON.stringify(redactor.value(stepOutput)) !== JSON.stringify(stepOutput);
      outputs.record(step.id, stepOutput, holdsSecret);
      checkCancelled(step);
      // An output holding a secret is not stored: a resumed run runs this step again.
      await options.progress?.finish(step.id, 'completed', holdsSecret ? undefined : structuredClone(stepOutput));
      log({ message: `Finished step ${result.name}`, stepId: step.id, status: 'completed' });
      result.status = 'completed';
    } catch (error) {
      throw stepFailure(error, step, options.taskId, signal, log);
    }
  }
  outputs.at(spec.steps.length);
  const rendered = renderValueTracked(spec.output, context, render, 'output');
  redactor.add(rendered.secretValues);
  return { output: (rendered.value ?? {}) as JsonObject, steps: results };
}

/** A step that finished in an earlier run of this task: its output is read as then, its action not run. */
function keepStep(step: TemplateStep, kept: ResumePlan['kept'][number], outputs: StepOutputs, log: (body: TaskEventBody) => void): StepResult {
  if (kept.status === 'completed') outputs.record(step.id, structuredClone(kept.output ?? {}), false);
  log({ message: `Step ${step.name ?? step.id} finished in an earlier run; its output is kept`, stepId: step.id, status: kept.status });
  return { id: step.id, name: step.name ?? step.id, action: step.action, status: kept.status };
}

/**
 * `ctx.checkpoint` of one step (and `each` item): a stored success is returned without running
 * `fn`; a new result is stored before it is returned; a failure is stored and thrown.
 */
function checkpointFor(options: WorkflowOptions, step: TemplateStep, each: { key: string } | undefined, log: (body: TaskEventBody) => void): ActionContext['checkpoint'] {
  return async <T extends JsonValue>({ key, fn }: { key: string; fn: () => Promise<T> | T }): Promise<T> => {
    if (typeof key !== 'string' || !key) throw new InputError(`Step ${step.id}: ctx.checkpoint needs a non-empty string key`);
    if (typeof fn !== 'function') throw new InputError(`Step ${step.id}: ctx.checkpoint needs a function fn`);
    const id = `v1.task.checkpoint.${step.id}.${key}${each ? `[${each.key}]` : ''}`;
    const previous = options.progress?.checkpoints[id];
    if (previous?.status === 'success') {
      log({ message: `Checkpoint ${key} was reached in an earlier run; its result is reused`, stepId: step.id });
      return structuredClone(previous.value) as T;
    }
    try {
      const value = await fn();
      const stored = (value === undefined ? null : JSON.parse(JSON.stringify(value))) as JsonValue;
      if (JSON.stringify(options.redactor.value(stored)) !== JSON.stringify(stored)) {
        throw new InputError(`Step ${step.id}: the result of checkpoint ${key} holds a secret; checkpoint results are stored unencrypted, so it is refused`);
      }
      await options.progress?.checkpoint(id, { status: 'success', value: stored });
      return value;
    } catch (error) {
      const reason = options.redactor.text(`${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`);
      await options.progress?.checkpoint(id, { status: 'failed', reason });
      throw error;
    }
  };
}

/** Log how a step ended in error and return what to throw: a cancellation stays a {@link TaskCancelledError}. */
function stepFailure(error: unknown, step: TemplateStep, taskId: string, signal: AbortSignal, log: (body: TaskEventBody) => void): unknown {
  const cancelled = error instanceof TaskCancelledError || signal.aborted;
  log({
    message: cancelled ? `Step ${step.id} has been cancelled.` : `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
    stepId: step.id,
    status: cancelled ? 'cancelled' : 'failed',
  });
  if (cancelled && !(error instanceof TaskCancelledError)) return new TaskCancelledError(`Step ${step.id} of task ${taskId} has been cancelled.`, { cause: error });
  return error;
}

interface Iteration {
  each?: { key: string; value: JsonValue };
  shouldRun: boolean;
  raw: JsonValue;
  secretValues: Set<string>;
}

/** Validate every iteration's input before running any, so a bad item never leaves half a result. */
function parseIterations(action: ScaffolderAction, step: TemplateStep, where: string, iterations: readonly Iteration[]) {
  return iterations.map((it) => {
    if (!it.shouldRun) return undefined;
    // Keys the template check could not see (an input computed by an expression) fail the same way.
    const [unknown] = unknownInputKeys(action.id, action.schema.input, it.raw);
    if (unknown) throw new InputError(`${where}.input${unknown.path}${it.each ? ` (each ${it.each.key})` : ''}: ${unknown.message}`);
    try {
      const input = action.parseInput(it.raw);
      // Objects of the input holding a secret-derived value stay marked for the action's
      // own rendering (fetch:template renders skeletons with its `values`).
      if (it.secretValues.size) markHolders(input, it.secretValues);
      return input;
    } catch (error) {
      const suffix = it.each ? `[${it.each.key}]` : '';
      throw new InputError(`Step ${step.id}${suffix}: ${(error as Error).message}`);
    }
  });
}

/**
 * Check `scaffolder.action.execute` for every iteration's input before any runs. The error names
 * the step and the action, never the input (it may hold secrets or values derived from them).
 */
function assertActionAllowed(options: WorkflowOptions, step: TemplateStep, actionId: string, inputs: readonly unknown[]): void {
  const allowed = options.authorizeAction;
  if (!allowed) return;
  for (const input of inputs) {
    if (input === undefined) continue;
    const object = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as JsonObject) : undefined;
    if (!allowed({ action: actionId, input: object })) {
      throw new NotAllowedError(`Step ${step.id}: not allowed to run action '${actionId}' with this input (scaffolder.action.execute)`);
    }
  }
}

function mask(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(secrets).map((k) => [k, '***']));
}
