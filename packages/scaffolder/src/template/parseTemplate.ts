import yaml from 'js-yaml';
import { InputError } from '@portalkit/core';
import { TEMPLATE_API_VERSION } from '../types.js';
import type { JsonObject, TemplateEntity, TemplateParameterPage, TemplateStep } from '../types.js';
import { compileParameterSchemas } from './validateValues.js';

/** Options of {@link parseTemplate}. */
export interface ParseTemplateOptions {
  /** Where the text came from (a path or URL), used in error messages. */
  source?: string;
}

const namePattern = /^[a-z0-9A-Z]([-_.]?[a-z0-9A-Z])*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse and validate a Template entity given as YAML text or as an object.
 * Every problem is collected and reported at once in one `InputError`, each with its path
 * (`spec.steps[1].action: is required`). `spec.parameters` is normalised to an array of pages;
 * `ui:*` keys are kept untouched for frontends.
 *
 * @example
 * ```ts
 * const template = parseTemplate(await readFile('template.yaml', 'utf8'), { source: 'template.yaml' });
 * template.spec.steps.map((s) => s.action);
 * ```
 */
export function parseTemplate(input: string | unknown, options: ParseTemplateOptions = {}): TemplateEntity {
  const where = options.source ? ` in ${options.source}` : '';
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = yaml.load(input, { filename: options.source });
    } catch (error) {
      const mark = (error as { mark?: { line: number; column: number } }).mark;
      const at = mark ? `${options.source ?? 'template'}:${mark.line + 1}:${mark.column + 1}: ` : '';
      throw new InputError(`Invalid template${where}: ${at}${(error as { reason?: string }).reason ?? (error as Error).message}`);
    }
  }
  const problems: string[] = [];
  const entity = normalise(raw, problems);
  if (problems.length === 0 && entity) {
    for (const problem of compileParameterSchemas(entity.spec.parameters).problems) problems.push(problem);
  }
  if (problems.length > 0 || !entity) {
    throw new InputError(`Invalid template${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return entity;
}

function normalise(raw: unknown, problems: string[]): TemplateEntity | undefined {
  if (!isObject(raw)) {
    problems.push('(root): must be an object');
    return undefined;
  }
  if (raw.apiVersion !== TEMPLATE_API_VERSION) {
    problems.push(`apiVersion: must be "${TEMPLATE_API_VERSION}", got ${JSON.stringify(raw.apiVersion)}`);
  }
  if (raw.kind !== 'Template') problems.push(`kind: must be "Template", got ${JSON.stringify(raw.kind)}`);

  const metadata = raw.metadata;
  if (!isObject(metadata)) {
    problems.push('metadata: must be an object');
  } else {
    if (typeof metadata.name !== 'string' || !metadata.name) problems.push('metadata.name: is required');
    else if (metadata.name.length > 63 || !namePattern.test(metadata.name)) {
      problems.push(`metadata.name: "${metadata.name}" is not a valid entity name`);
    }
    for (const key of ['namespace', 'title', 'description'] as const) {
      if (metadata[key] !== undefined && typeof metadata[key] !== 'string') problems.push(`metadata.${key}: must be a string`);
    }
  }

  const spec = raw.spec;
  if (!isObject(spec)) {
    problems.push('spec: must be an object');
    return undefined;
  }
  const parameters = normaliseParameters(spec.parameters, problems);
  const steps = normaliseSteps(spec.steps, problems);
  if (spec.output !== undefined) checkOutput(spec.output, problems);
  for (const key of ['type', 'owner'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') problems.push(`spec.${key}: must be a string`);
  }
  if (problems.length) return undefined;
  return {
    ...(raw as unknown as TemplateEntity),
    spec: { ...(spec as TemplateEntity['spec']), parameters, steps, output: (spec.output as JsonObject | undefined) ?? {} },
  };
}

function normaliseParameters(value: unknown, problems: string[]): TemplateParameterPage[] {
  if (value === undefined || value === null) return [];
  const pages = Array.isArray(value) ? value : [value];
  const path = (i: number) => (Array.isArray(value) ? `spec.parameters[${i}]` : 'spec.parameters');
  pages.forEach((page, i) => {
    if (!isObject(page)) {
      problems.push(`${path(i)}: must be an object (a JSON Schema)`);
      return;
    }
    if (page.type !== undefined && page.type !== 'object') problems.push(`${path(i)}.type: must be "object"`);
    if (page.properties !== undefined && !isObject(page.properties)) problems.push(`${path(i)}.properties: must be an object`);
    if (page.required !== undefined) {
      if (!Array.isArray(page.required) || page.required.some((r) => typeof r !== 'string')) {
        problems.push(`${path(i)}.required: must be an array of property names`);
      }
    }
  });
  return pages as TemplateParameterPage[];
}

function normaliseSteps(value: unknown, problems: string[]): TemplateStep[] {
  if (value === undefined) {
    problems.push('spec.steps: is required');
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push('spec.steps: must be an array');
    return [];
  }
  const seen = new Set<string>();
  return value.map((step, i): TemplateStep => {
    const path = `spec.steps[${i}]`;
    if (!isObject(step)) {
      problems.push(`${path}: must be an object`);
      return { id: `step-${i + 1}`, action: '' };
    }
    const id = step.id === undefined ? `step-${i + 1}` : step.id;
    if (typeof id !== 'string' || !id) problems.push(`${path}.id: must be a non-empty string`);
    else if (seen.has(id)) problems.push(`${path}.id: duplicate step id "${id}"`);
    else seen.add(id);
    if (typeof step.action !== 'string' || !step.action) problems.push(`${path}.action: is required`);
    if (step.name !== undefined && typeof step.name !== 'string') problems.push(`${path}.name: must be a string`);
    if (step.input !== undefined && !isObject(step.input)) problems.push(`${path}.input: must be an object`);
    if (step.if !== undefined && typeof step.if !== 'string' && typeof step.if !== 'boolean') {
      problems.push(`${path}.if: must be a string or boolean`);
    }
    if (step.each !== undefined && typeof step.each !== 'string' && typeof step.each !== 'object') {
      problems.push(`${path}.each: must be a template string, an array or an object`);
    }
    return { ...(step as unknown as TemplateStep), id: String(id) };
  });
}

function checkOutput(value: unknown, problems: string[]): void {
  if (!isObject(value)) {
    problems.push('spec.output: must be an object');
    return;
  }
  const { links, text } = value;
  if (links !== undefined) {
    if (!Array.isArray(links)) problems.push('spec.output.links: must be an array');
    else
      links.forEach((link, i) => {
        if (!isObject(link)) problems.push(`spec.output.links[${i}]: must be an object`);
        else if (link.url === undefined && link.entityRef === undefined) {
          problems.push(`spec.output.links[${i}]: needs a url or an entityRef`);
        }
      });
  }
  if (text !== undefined) {
    if (!Array.isArray(text)) problems.push('spec.output.text: must be an array');
    else
      text.forEach((item, i) => {
        if (!isObject(item)) problems.push(`spec.output.text[${i}]: must be an object`);
        else if (item.content !== undefined && typeof item.content !== 'string') {
          problems.push(`spec.output.text[${i}].content: must be a string`);
        }
      });
  }
}
