import { InputError } from '@portalkit/core';
import type { TaskListOptions } from '../tasks/taskStore.js';
import type { TaskStatus } from '../types.js';

const statuses = new Set<string>(['open', 'processing', 'completed', 'failed', 'cancelled']);

function count(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new InputError(`${name} must be a non-negative integer`);
  return n;
}

/**
 * `GET /v2/tasks`'s query as Backstage reads it: `createdBy` and `status` repeated for any of
 * several values (`?status=open&status=failed`), `limit` and `offset` for pages, and `order`,
 * of which only `desc:created_at` (newest first, what every store returns) is served.
 */
export function taskListQuery(url: URL): TaskListOptions {
  const status = url.searchParams.getAll('status');
  for (const s of status) if (!statuses.has(s)) throw new InputError(`status must be one of ${[...statuses].join(', ')}`);
  const createdBy = url.searchParams.getAll('createdBy');
  if (createdBy.some((c) => c === '')) throw new InputError('createdBy must not be empty');
  for (const order of url.searchParams.getAll('order')) {
    if (!/^(asc|desc):.+$/.test(order)) throw new InputError(`Invalid order parameter "${order}", expected "<asc or desc>:<field name>"`);
    if (order !== 'desc:created_at') throw new InputError(`Unsupported order "${order}": tasks are listed newest first (desc:created_at)`);
  }
  const limit = count(url, 'limit');
  const offset = count(url, 'offset');
  return {
    ...(status.length ? { status: status.length === 1 ? (status[0] as TaskStatus) : (status as TaskStatus[]) } : {}),
    // Several creators are a filter the store applies in its query, like a permission filter.
    ...(createdBy.length === 1 ? { createdBy: createdBy[0]! } : createdBy.length > 1 ? { filter: { createdBy } } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}
