import type { TaskListOptions, TaskStore } from '../taskStore.js';
import { filterSql, holdable } from './filterSql.js';
import { toRecord } from './rows.js';
import type { TaskRow } from './rows.js';

/** The store's query: migrated first, then run on the pool. */
type Query = <R>(sql: string, params?: unknown[]) => Promise<{ rows: R[] }>;

/** The WHERE clause and parameters of `list()`'s filters. */
function listFilter(options: TaskListOptions): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.status) {
    // A value PostgreSQL cannot hold (NUL) is no status a task has: left out, as createdBy leaves are.
    params.push([options.status].flat().filter(holdable));
    where.push(`status = ANY($${params.length}::text[])`);
  }
  if (options.createdBy) {
    params.push(options.createdBy);
    where.push(`created_by = $${params.length}`);
  }
  if (options.filter) where.push(filterSql(options.filter, params));
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * `list()` on the tasks table `t`: its filters (the permission filter included) as one WHERE
 * clause for the count and the page.
 */
export async function listTasks(query: Query, t: string, options: TaskListOptions): ReturnType<TaskStore['list']> {
  if (options.createdBy !== undefined && !holdable(options.createdBy)) {
    return { tasks: [], totalTasks: 0 };
  }
  const { clause, params } = listFilter(options);
  const total = await query<{ count: string }>(`SELECT count(*) FROM ${t} ${clause}`, params);
  params.push(options.limit ?? null, options.offset ?? 0);
  const { rows } = await query<TaskRow>(
    `SELECT * FROM ${t} ${clause} ORDER BY seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { tasks: rows.map(toRecord), totalTasks: Number(total.rows[0]?.count ?? 0) };
}
