import { InputError, NotFoundError, createRouter, eventStreamResponse, readJsonBody } from '@portalkit/core';
import type { Handler, Principal } from '@portalkit/core';
import type { JsonObject, TaskRecord, TemplateFilter, TemplateGlobal } from '../types.js';
import type { ScaffolderLibrary } from '../scaffolderTypes.js';
import type { ScaffolderHandlerOptions } from './options.js';
import { parseTemplate } from '../template/parseTemplate.js';
import { describeTemplatingExtensions } from '../render/templatingExtensions.js';
import { answerAutocomplete, type AutocompleteProvider } from './autocomplete.js';
import { taskListQuery } from './taskListQuery.js';

/** A JSON object body, read by core's `readJsonBody` (JSON content type, size cap, no prototype keys). */
async function readJson(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, { maxBytes });
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

/** A task as Backstage's `GET /v2/tasks/:id` returns it (never its sealed secrets, state or creator). */
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
 * web-standard handler on core's `createRouter`, so it shares its request rules: one spelling per
 * path, UTF-8 without NUL (else 400), and a JSON content type on every POST (else 415). Errors
 * use Backstage's JSON error shape. Every route identifies the caller (`auth.identify`, 401 on
 * bad credentials) and acts through `scaffolder.forPrincipal(principal)`: a task it may not
 * read answers 404, a refused create or cancel 403.
 *
 * @example
 * ```ts
 * const handler = createScaffolderHandler(scaffolder, { basePath: '/api/scaffolder', getTemplate: async (ref) => templates.get(ref) });
 * const res = await handler(new Request('http://x/api/scaffolder/v2/actions'));
 * ```
 */
export function createScaffolderHandler(
  scaffolder: ScaffolderLibrary,
  options: ScaffolderHandlerOptions,
  templating: { filters?: Record<string, TemplateFilter> | undefined; globals?: Record<string, TemplateGlobal> | undefined } = {},
): Handler {
  const maxBody = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const providers = new Map<string, AutocompleteProvider>();
  for (const provider of options.autocompleteProviders ?? []) {
    if (providers.has(provider.id)) throw new InputError(`createScaffolderHandler: two autocomplete providers have the id ${provider.id}`);
    providers.set(provider.id, provider);
  }
  const extensions = describeTemplatingExtensions(templating);

  /** The caller's view of the scaffolder: identified (401 on bad credentials), then authorized. */
  const viewOf = async (request: Request) => {
    const auth = (typeof options.auth === 'function' ? options.auth() : options.auth) ?? scaffolder.auth;
    const principal = await auth.identify(request);
    return { lib: scaffolder.forPrincipal(principal, { request, auth }), principal };
  };
  const loadTemplate = async (ref: string, principal: Principal) => {
    const template = await options.getTemplate(ref, { principal });
    if (!template) throw new NotFoundError(`Template ${ref} not found`);
    return parseTemplate(template);
  };
  const taskOf = async (lib: ScaffolderLibrary, id: string) => {
    // A task the caller may not read is not found: its existence is not revealed.
    const task = await lib.getTask(id);
    if (!task) throw new NotFoundError(`Task with id ${id} does not exist`);
    return task;
  };

  const eventStream = async (request: Request, id: string, after: number): Promise<Response> => {
    const task = await taskOf((await viewOf(request)).lib, id);
    return eventStreamResponse(
      async (send, signal) => {
        const iterator = task.events({ after });
        // A client that goes away ends the store polling, also while it waits for the next event.
        const stop = () => void iterator.return?.(undefined);
        signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const event of iterator) {
            if (signal.aborted) break;
            await send(event.type, event);
          }
        } finally {
          signal.removeEventListener('abort', stop);
        }
      },
      { signal: request.signal },
    );
  };

  const afterParam = (url: URL) => {
    const after = Number(url.searchParams.get('after') ?? 0);
    if (!Number.isFinite(after) || after < 0) throw new InputError('after must be a non-negative number');
    return after;
  };

  return createRouter({ basePath: options.basePath ?? '/' })
    .get('/v2/actions', async (request) => Response.json((await viewOf(request)).lib.listActions()))
    .get('/v2/templating-extensions', async (request) => {
      await viewOf(request);
      return Response.json(extensions);
    })
    .post('/v2/autocomplete/:provider/:resource', async (request, { params }) => {
      await viewOf(request);
      const body = await readJson(request, 64 * 1024);
      return Response.json(await answerAutocomplete(providers, params.provider!, params.resource!, body));
    })
    .post('/v2/dry-run', async (request) => {
      const { lib, principal } = await viewOf(request);
      const body = await readJson(request, maxBody);
      const user = await options.getUser?.(request);
      const contents = body.directoryContents;
      if (contents !== undefined && !Array.isArray(contents)) throw new InputError('directoryContents must be an array');
      const secrets = secretsOf(body.secrets);
      const values = optionalObject(body.values, 'values') ?? {};
      if (body.templateRef !== undefined) {
        // A stored template (Backstage #31564): read as the caller, its files from its location.
        if (typeof body.templateRef !== 'string' || !body.templateRef) throw new InputError('templateRef must be a non-empty string');
        if (body.template !== undefined || contents !== undefined) throw new InputError('templateRef cannot be combined with template or directoryContents');
        const template = await loadTemplate(body.templateRef, principal);
        return Response.json(await lib.dryRun(template, { values, templateFromHost: true, ...(secrets ? { secrets } : {}), ...(user ? { user } : {}) }));
      }
      const result = await lib.dryRun(body.template, {
        values,
        ...(secrets ? { secrets } : {}),
        ...(user ? { user } : {}),
        ...(contents ? { directoryContents: contents as Array<{ path: string; base64Content?: string }> } : {}),
      });
      return Response.json(result);
    })
    .get('/v2/templates/:namespace/:kind/:name/parameter-schema', async (request, { params }) => {
      const { lib, principal } = await viewOf(request);
      const template = await loadTemplate(`${params.kind}:${params.namespace}/${params.name}`, principal);
      return Response.json(await lib.getParameterSchema(template));
    })
    .post('/v2/tasks', async (request) => {
      const { lib, principal } = await viewOf(request);
      const body = await readJson(request, maxBody);
      if (typeof body.templateRef !== 'string' || !body.templateRef) throw new InputError('templateRef is required');
      const template = await loadTemplate(body.templateRef, principal);
      const user = await options.getUser?.(request);
      const secrets = secretsOf(body.secrets);
      const task = await lib.run(template, {
        values: optionalObject(body.values, 'values') ?? {},
        ...(secrets ? { secrets } : {}),
        ...(user ? { user } : {}),
      });
      return Response.json({ id: task.id }, { status: 201 });
    })
    .get('/v2/tasks', async (request, { url }) => {
      const { lib } = await viewOf(request);
      const { tasks, totalTasks } = await lib.listTasks(taskListQuery(url));
      return Response.json({ tasks: tasks.map(serializeTask), totalTasks });
    })
    .get('/v2/tasks/:id', async (request, { params }) =>
      Response.json(serializeTask(await (await taskOf((await viewOf(request)).lib, params.id!)).get())),
    )
    .post('/v2/tasks/:id/cancel', async (request, { params }) => {
      const task = await taskOf((await viewOf(request)).lib, params.id!);
      await task.cancel();
      return Response.json({ status: (await task.get()).status });
    })
    .post('/v2/tasks/:id/retry', async (request, { params }) => {
      // Backstage's shape: an optional `{ secrets }` body, 201 with the task id.
      const { lib } = await viewOf(request);
      const body = await readJson(request, maxBody);
      const secrets = secretsOf(body.secrets);
      const task = await lib.retryTask(params.id!, secrets ? { secrets } : {});
      return Response.json({ id: task.id }, { status: 201 });
    })
    .get('/v2/tasks/:id/eventstream', (request, { params, url }) => eventStream(request, params.id!, afterParam(url)))
    .get('/v2/tasks/:id/events', async (request, { params, url }) => {
      const after = afterParam(url);
      const task = await taskOf((await viewOf(request)).lib, params.id!);
      // What is stored now; clients poll with `after` (or use the eventstream).
      return Response.json(await task.listEvents({ after }));
    }).handler;
}
