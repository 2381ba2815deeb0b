import { mkdir, rm } from 'node:fs/promises';
import type { JsonValue, ScaffolderAction, TaskRecord, TaskState } from '../types.js';
import type { TaskStore } from '../tasks/taskStore.js';
import { restoreWorkspace } from './taskProgress.js';

/** Where a run of a task begins, and what it keeps from earlier runs. */
export interface ResumePlan {
  /** Index of the first step to run. */
  startAt: number;
  /** The steps before `startAt`, as they finished earlier (outputs restored). */
  kept: Array<{ id: string; status: 'completed' | 'skipped'; output?: Record<string, JsonValue> }>;
  /** The state the run starts from: kept steps and every checkpoint. */
  state: TaskState;
  /** What to tell the task's log about how it began; undefined for a first run. */
  message?: string;
}

/**
 * Decide how a claimed task runs and prepare its workspace. A first run and `startOver` begin at
 * the first step in an empty workspace. `resume` (retries, and recoveries that ask for it)
 * begins at the first step that did not finish, with the earlier steps' outputs and the
 * workspace snapshot taken when they finished, if that step had not begun its action or its
 * action is `idempotent`; otherwise (or without a snapshot, or with an output that held a
 * secret) it starts over. Checkpoints are kept in every case.
 */
export async function planRun(
  record: TaskRecord,
  actions: ReadonlyMap<string, ScaffolderAction>,
  store: TaskStore,
  workspacePath: string,
): Promise<ResumePlan> {
  const checkpoints = record.state?.checkpoints ?? {};
  const fresh = async (message?: string): Promise<ResumePlan> => {
    await rm(workspacePath, { recursive: true, force: true });
    await mkdir(workspacePath, { recursive: true });
    return { startAt: 0, kept: [], state: { checkpoints, steps: [] }, ...(message ? { message } : {}) };
  };
  if (!record.resumeMode) return fresh();
  if (record.resumeMode === 'startOver') return fresh('Starting over from the first step (recovery strategy startOver); checkpoint results are reused');

  const done = record.state?.steps ?? [];
  const kept: ResumePlan['kept'] = [];
  for (const [index, step] of record.spec.steps.entries()) {
    const entry = done[index];
    if (!entry || entry.id !== step.id || entry.status === 'begun') break;
    if (entry.status === 'completed' && entry.output === undefined) break;
    kept.push(entry as ResumePlan['kept'][number]);
  }
  const next = record.spec.steps[kept.length];
  if (!next) {
    // Every step finished (the worker died before storing the end): only the output is rendered.
    const plan = await fresh('Every step finished in an earlier run; their outputs are kept');
    return { ...plan, startAt: kept.length, kept, state: { checkpoints, steps: kept.map((k) => ({ ...k })) } };
  }
  if (kept.length === 0) return fresh(`Starting over at the first step (${next.id})`);
  const began = done[kept.length]?.id === next.id;
  if (began && actions.get(next.action)?.idempotent !== true) {
    return fresh(`Starting over: step ${next.id} had begun and its action ${next.action} is not declared idempotent; checkpoint results are reused`);
  }
  const snapshot = await store.getWorkspace(record.id);
  if (!snapshot) return fresh(`Starting over: the workspace before step ${next.id} was not kept (too large, holding a secret, or never stored)`);
  await restoreWorkspace(workspacePath, snapshot);
  return {
    startAt: kept.length,
    kept,
    state: { checkpoints, steps: kept.map((k) => ({ ...k })) },
    message: `Resuming at step ${next.id}: ${kept.map((k) => k.id).join(', ')} finished in an earlier run and keep their outputs and workspace`,
  };
}
