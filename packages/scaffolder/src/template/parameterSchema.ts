import type { JsonObject, TemplateEntity } from '../types.js';

/** Backstage's `GET /v2/templates/:ns/:kind/:name/parameter-schema` response. */
export interface TemplateParameterSchema {
  title: string;
  description?: string;
  steps: Array<{ title: string; description?: string; schema: JsonObject }>;
}

/**
 * The form description a frontend renders: one step per parameter page, `ui:*` keys kept.
 *
 * @example
 * ```ts
 * getParameterSchema(template).steps[0]?.title; // 'Fill in some steps'
 * ```
 */
export function getParameterSchema(template: TemplateEntity): TemplateParameterSchema {
  const out: TemplateParameterSchema = {
    title: template.metadata.title ?? template.metadata.name,
    steps: template.spec.parameters.map((page) => {
      const { title, description, ...rest } = page;
      const step: TemplateParameterSchema['steps'][number] = {
        title: typeof title === 'string' ? title : 'Please enter the following information',
        schema: { ...rest, ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}) } as JsonObject,
      };
      if (typeof description === 'string') step.description = description;
      return step;
    }),
  };
  if (template.metadata.description !== undefined) out.description = template.metadata.description;
  return out;
}
