import type { TaskRecord } from '../types.js';

/**
 * A filter on tasks that every task store evaluates in its query (`TaskStore.list({ filter })`),
 * so a principal's list, its `totalTasks` and its pages hold only tasks it may read. It is what
 * `scaffolder.task.read` conditions turn into: `IS_TASK_OWNER` is `{ createdBy: [...] }`.
 * A task without `createdBy` matches no `createdBy` leaf.
 *
 * @example
 * ```ts
 * const filter: TaskFilter = { anyOf: [{ createdBy: ['user:default/jane'] }, { not: { createdBy: ['user:default/bot'] } }] };
 * ```
 */
export type TaskFilter =
  | { createdBy: string[] }
  | { allOf: TaskFilter[] }
  | { anyOf: TaskFilter[] }
  | { not: TaskFilter };

/**
 * Whether a task matches a {@link TaskFilter}: the meaning every store's query must have (the
 * memory store uses it; the SQL stores are tested against it).
 *
 * @example
 * ```ts
 * taskMatchesFilter(record, { createdBy: ['user:default/jane'] }); // true for jane's tasks
 * ```
 */
export function taskMatchesFilter(task: Pick<TaskRecord, 'createdBy'>, filter: TaskFilter): boolean {
  if ('allOf' in filter) return filter.allOf.every((f) => taskMatchesFilter(task, f));
  if ('anyOf' in filter) return filter.anyOf.some((f) => taskMatchesFilter(task, f));
  if ('not' in filter) return !taskMatchesFilter(task, filter.not);
  return task.createdBy !== undefined && filter.createdBy.includes(task.createdBy);
}
