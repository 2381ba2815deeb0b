import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InputError, NotFoundError, type Principal } from '@portalkit/core';
import type { CatalogView, Entity } from '@portalkit/catalog';
import type { ScaffolderLibrary } from '@portalkit/scaffolder';
import { z } from 'zod';
import { jsonResult, toolCall } from './tool-result.js';

const values = z.record(z.string(), z.unknown());
const MAX_LOG_LINES = 200;

/** What the template tools need of the caller: its catalog and scaffolder views. */
export interface TemplateToolViews {
  catalog: () => CatalogView;
  scaffolder: () => Pick<ScaffolderLibrary, 'dryRun' | 'run' | 'getParameterSchema'>;
  principal: Principal;
}

/**
 * The template tools: `templates_list` (templates the caller may read, with the parameter
 * schemas it may see), `template_dry_run` and `template_run`. A run needs `confirm: true`: an
 * agent is expected to show the user what it will do (a dry run) and ask first. Runs and dry
 * runs go through the caller's scaffolder view: `scaffolder.task.create`, the template's step
 * tags and actions are checked, and the task is audited as the caller.
 */
export function registerTemplateTools(server: McpServer, views: TemplateToolViews): void {
  const templateOf = async (ref: string): Promise<Entity> => {
    const entity = await views.catalog().getEntityByRef(ref);
    if (!entity || entity.kind.toLowerCase() !== 'template') throw new NotFoundError(`No template ${ref}`);
    return entity;
  };

  server.registerTool(
    'templates_list',
    {
      title: 'List software templates',
      description: 'Templates the caller may use, each with its parameter schema (JSON Schema per form step) to fill `values` for template_dry_run and template_run.',
      inputSchema: { text: z.string().max(200).optional(), limit: z.number().int().min(1).max(50).optional() },
    },
    ({ text, limit }) =>
      toolCall(async () => {
        const { items } = await views.catalog().query({
          filter: { kind: 'template' },
          ...(text ? { fullTextFilter: { term: text, fields: ['metadata.name', 'metadata.title'] } } : {}),
          orderFields: { field: 'metadata.name', order: 'asc' },
          limit: limit ?? 20,
        });
        const templates = await Promise.all(
          items.map(async (t) => ({
            templateRef: `template:${t.metadata.namespace ?? 'default'}/${t.metadata.name}`,
            title: t.metadata.title ?? t.metadata.name,
            description: t.metadata.description ?? null,
            parameters: (await views.scaffolder().getParameterSchema(t)).steps,
          })),
        );
        return jsonResult({ templates });
      }),
  );

  server.registerTool(
    'template_dry_run',
    {
      title: 'Dry-run a software template',
      description: 'Run the template with these values without publishing anything: the steps, their log, the files it would write and its output.',
      inputSchema: { templateRef: z.string().min(1).max(400), values: values.optional() },
    },
    ({ templateRef, values: input }) =>
      toolCall(async () => {
        const template = await templateOf(templateRef);
        // A catalog template is a stored one: checked as a run checks it (tagged steps, hidden parameters).
        const result = await views.scaffolder().dryRun(template, { values: (input ?? {}) as never, templateFromHost: true, ...userOf(views.principal) });
        return jsonResult({
          status: result.status,
          steps: result.steps,
          log: result.log.slice(-MAX_LOG_LINES).map((l) => l.body.message ?? ''),
          files: result.directoryContents.map((f) => f.path),
          output: result.output,
          ...(result.error ? { error: `${result.error.name}: ${result.error.message}` } : {}),
        });
      }),
  );

  server.registerTool(
    'template_run',
    {
      title: 'Run a software template',
      description:
        'Create a scaffolder task from the template: this publishes repositories and registers entities. Only with `confirm: true`, ' +
        'after the user agreed (preview it with template_dry_run first). Returns the task id and status.',
      inputSchema: { templateRef: z.string().min(1).max(400), values: values.optional(), confirm: z.boolean().optional() },
      annotations: { destructiveHint: true },
    },
    ({ templateRef, values: input, confirm }) =>
      toolCall(async () => {
        if (confirm !== true) {
          throw new InputError('template_run: confirm must be true: ask the user before running a template (template_dry_run shows what it would do)');
        }
        const template = await templateOf(templateRef);
        const task = await views.scaffolder().run(template, { values: (input ?? {}) as never, ...userOf(views.principal) });
        return jsonResult({ taskId: task.id, status: task.status });
      }),
  );
}

/** The template's `${{ user.ref }}`: the caller's user entity, when it is a user. */
function userOf(principal: Principal): { user?: { ref: string } } {
  return principal.userEntityRef ? { user: { ref: principal.userEntityRef } } : {};
}
