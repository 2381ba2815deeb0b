import { InputError, NotFoundError, PayloadTooLargeError, toHttpResponse } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import type { JsonObject, ScaffolderUser, TaskRecord, TaskStatus, TemplateEntity } from '../types.js';
import type { Scaffolder } from '../scaffolder.js';
import { parseTemplate } from '../template/parseTemplate.js';
import { getParameterSchema } from '../template/parameterSchema.js';

/** Options of `scaffolder.handler()`. */
export interface ScaffolderHandlerOptions {
  /** Path prefix the handler is mounted at, e.g. `/api/scaffolder`. */
  basePath?: string;
  /** Resolve `template:default/my-template` to a template (e.g. from the catalog or disk). */
  getTemplate(ref: string): Promise<TemplateEntity | unknown | undefined>;
  /** Who is calling; becomes `${{ user.* }}` and the task's `createdBy`. */
  getUser?(request: Request): Promise<ScaffolderUser | undefined> | ScaffolderUser | undefined;
  /** Largest accepted request body; default 5 MB (dry runs carry template files). */
  maxBodyBytes?: number;
}

const statuses = new Set<TaskStatus>(['open', 'processing', 'completed', 'failed', 'cancelled']);

async function readJson(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new InputError('Request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('Request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalObject(value: unknown, name: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${name} must be an object`);
  return value as JsonObject;
}

function secretsOf(value: unknown): Record<string, string> | undefined {
  const secrets = optionalObject(value, 'secrets');
  if (!secrets) return undefined;
  for (const [key, v] of Object.entries(secrets)) if (typeof v !== 'string') throw new InputError(`secrets.${key} must be a string`);
  return secrets as Record<string, string>;
}

/** A task as Backstage's `GET /v2/tasks/:id` returns it (secrets are never stored). */
function serializeTask(record: TaskRecord) {
  return {
    id: record.id,
    spec: record.spec,
    status: record.status,
    createdAt: record.createdAt,
    lastHeartbeatAt: record.lastHeartbeatAt,
    createdBy: record.createdBy,
    ...(record.output ? { output: record.output } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

/**
 * Backstage's scaffolder API (`/v2/tasks`, `/v2/actions`, `/v2/dry-run`, parameter schemas) as a
 * web-standard handler. Errors use Backstage's JSON error shape.
 *
 * @example
 * ```ts
 * const handler = createScaffolderHandler(scaffolder, { basePath: '/api/scaffolder', getTemplate: async (ref) => templates.get(ref) });
 * const res = await handler(new Request('http://x/api/scaffolder/v2/actions'));
 * ```
 */
export function createScaffolderHandler(scaffolder: Scaffolder, options: ScaffolderHandlerOptions): Handler {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const maxBody = options.maxBodyBytes ?? 5 * 1024 * 1024;

  const loadTemplate = async (ref: string) => {
    const template = await options.getTemplate(ref);
    if (!template) throw new NotFoundError(`Template ${ref} not found`);
    return parseTemplate(template);
  };
  const taskOf = async (id: string) => {
    const task = await scaffolder.getTask(id);
    if (!task) throw new NotFoundError(`Task with id ${id} does not exist`);
    return task;
  };

  const eventStream = async (request: Request, id: string, after: number): Promise<Response> => {
    const task = await taskOf(id);
    const iterator = task.events({ after });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) {
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(`event: ${next.value.type}\ndata: ${JSON.stringify(next.value)}\n\n`));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    });
    request.signal?.addEventListener?.('abort', () => void iterator.return?.(undefined));
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
    });
  };

  return async (request) => {
    try {
      const url = new URL(request.url);
      if (!url.pathname.startsWith(basePath)) throw new NotFoundError(`No route for ${url.pathname}`);
      const parts = url.pathname.slice(basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
      const method = request.method.toUpperCase();
      const [v2, resource, id, sub, ...rest] = parts;
      if (v2 !== 'v2') throw new NotFoundError(`No route for ${method} ${url.pathname}`);

      if (resource === 'actions' && !id && method === 'GET') return Response.json(scaffolder.listActions());

      if (resource === 'dry-run' && !id && method === 'POST') {
        const body = await readJson(request, maxBody);
        const user = await options.getUser?.(request);
        const contents = body.directoryContents;
        if (contents !== undefined && !Array.isArray(contents)) throw new InputError('directoryContents must be an array');
        const secrets = secretsOf(body.secrets);
        const result = await scaffolder.dryRun(body.template, {
          values: optionalObject(body.values, 'values') ?? {},
          ...(secrets ? { secrets } : {}),
          ...(user ? { user } : {}),
          ...(contents ? { directoryContents: contents as Array<{ path: string; base64Content?: string }> } : {}),
        });
        return Response.json(result);
      }

      if (resource === 'templates' && method === 'GET' && parts.length === 6 && parts[5] === 'parameter-schema') {
        const [, , namespace, kind, name] = parts;
        const template = await loadTemplate(`${kind}:${namespace}/${name}`);
        return Response.json(getParameterSchema(template));
      }

      if (resource === 'tasks') {
        if (!id) {
          if (method === 'POST') {
            const body = await readJson(request, maxBody);
            if (typeof body.templateRef !== 'string' || !body.templateRef) throw new InputError('templateRef is required');
            const template = await loadTemplate(body.templateRef);
            const user = await options.getUser?.(request);
            const secrets = secretsOf(body.secrets);
            const task = await scaffolder.run(template, {
              values: optionalObject(body.values, 'values') ?? {},
              ...(secrets ? { secrets } : {}),
              ...(user ? { user } : {}),
            });
            return Response.json({ id: task.id }, { status: 201 });
          }
          if (method === 'GET') {
            const status = url.searchParams.get('status') ?? undefined;
            if (status && !statuses.has(status as TaskStatus)) throw new InputError(`status must be one of ${[...statuses].join(', ')}`);
            const number = (name: string) => {
              const raw = url.searchParams.get(name);
              if (raw === null) return undefined;
              const n = Number(raw);
              if (!Number.isInteger(n) || n < 0) throw new InputError(`${name} must be a non-negative integer`);
              return n;
            };
            const limit = number('limit');
            const offset = number('offset');
            const createdBy = url.searchParams.get('createdBy') ?? undefined;
            const { tasks, totalTasks } = await scaffolder.listTasks({
              ...(status ? { status: status as TaskStatus } : {}),
              ...(createdBy ? { createdBy } : {}),
              ...(limit !== undefined ? { limit } : {}),
              ...(offset !== undefined ? { offset } : {}),
            });
            return Response.json({ tasks: tasks.map(serializeTask), totalTasks });
          }
        } else if (rest.length === 0) {
          if (!sub && method === 'GET') return Response.json(serializeTask(await (await taskOf(id)).get()));
          if (sub === 'cancel' && method === 'POST') {
            const task = await taskOf(id);
            await task.cancel();
            return Response.json({ status: (await task.get()).status });
          }
          const after = Number(url.searchParams.get('after') ?? 0);
          if (!Number.isFinite(after) || after < 0) throw new InputError('after must be a non-negative number');
          if (sub === 'eventstream' && method === 'GET') return eventStream(request, id, after);
          if (sub === 'events' && method === 'GET') {
            // What is stored now; clients poll with `after` (or use the eventstream).
            const events = await (await taskOf(id)).listEvents({ after });
            return Response.json(events);
          }
        }
      }
      throw new NotFoundError(`No route for ${method} ${url.pathname}`);
    } catch (error) {
      return toHttpResponse(error, request);
    }
  };
}
