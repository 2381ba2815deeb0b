import type { JsonObject, TemplateEntity } from '../types.js';

/** Backstage's `GET /v2/templates/:ns/:kind/:name/parameter-schema` response. */
export interface TemplateParameterSchema {
  title: string;
  description?: string;
  /** `metadata['ui:options']` of the template, for the form as a whole. */
  'ui:options'?: JsonObject;
  /** `spec.presentation` (e.g. button labels) the Backstage form reads. */
  presentation?: JsonObject;
  /** `spec.EXPERIMENTAL_formDecorators`, passed through for frontends that run them. */
  EXPERIMENTAL_formDecorators?: JsonObject[];
  steps: Array<{ title: string; description?: string; schema: JsonObject }>;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The form description a frontend renders: one step per parameter page, `ui:*` keys kept, plus
 * the template's `ui:options`, `presentation` and form decorators, as Backstage serves them.
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
  // Frontend-only settings Backstage passes through untouched.
  const uiOptions = (template.metadata as Record<string, unknown>)['ui:options'];
  if (isObject(uiOptions)) out['ui:options'] = uiOptions;
  const spec = template.spec as Record<string, unknown>;
  if (isObject(spec.presentation)) out.presentation = spec.presentation;
  if (Array.isArray(spec.EXPERIMENTAL_formDecorators)) out.EXPERIMENTAL_formDecorators = spec.EXPERIMENTAL_formDecorators as JsonObject[];
  return out;
}
