import type { Logger, PortalAuth, Principal } from '@portalkit/core';
import type { JsonObject, TemplateEntity, TemplateParameterPage } from '../types.js';
import {
  RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateStepReadPermission,
} from '../permissions/permissions.js';
import { type ScaffolderTemplateResource, scaffolderTemplateRules } from '../permissions/rules.js';
import { decisionCheck } from './conditions.js';

/** A template as one principal may see it. */
export interface AuthorizedTemplate {
  /** The template without the parameter sections the principal may not read. */
  template: TemplateEntity;
  /** Ids of the steps the principal may not read (a task of this template is refused). */
  hiddenSteps: string[];
  /** Top-level parameter names declared only by removed sections. */
  hiddenParameters: string[];
}

const propertyNames = (page: TemplateParameterPage): string[] =>
  page.properties && typeof page.properties === 'object' && !Array.isArray(page.properties) ? Object.keys(page.properties) : [];

/**
 * Apply `scaffolder.template.parameter.read` to each parameter section and
 * `scaffolder.template.step.read` to each step, by their `backstage:permissions` tags, as
 * Backstage's `authorizeTemplate` (which drops unreadable steps; here a task with one is refused).
 */
export async function authorizeTemplate(auth: PortalAuth, principal: Principal, template: TemplateEntity, logger: Logger): Promise<AuthorizedTemplate> {
  const [parameterDecision, stepDecision] = await Promise.all([
    auth.authorize(principal, scaffolderTemplateParameterReadPermission),
    auth.authorize(principal, scaffolderTemplateStepReadPermission),
  ]);
  const mayReadParameters = decisionCheck(parameterDecision, RESOURCE_TYPE_SCAFFOLDER_TEMPLATE, scaffolderTemplateRules, logger, scaffolderTemplateParameterReadPermission.name);
  const mayReadStep = decisionCheck(stepDecision, RESOURCE_TYPE_SCAFFOLDER_TEMPLATE, scaffolderTemplateRules, logger, scaffolderTemplateStepReadPermission.name);
  const kept: TemplateParameterPage[] = [];
  const removed: TemplateParameterPage[] = [];
  for (const page of template.spec.parameters) (mayReadParameters(page) ? kept : removed).push(page);
  const visible = new Set(kept.flatMap(propertyNames));
  const hiddenParameters = [...new Set(removed.flatMap(propertyNames))].filter((name) => !visible.has(name));
  const hiddenSteps = template.spec.steps
    .filter((step) => !mayReadStep(step as unknown as ScaffolderTemplateResource))
    .map((step) => step.id);
  return { template: { ...template, spec: { ...template.spec, parameters: kept } }, hiddenSteps, hiddenParameters };
}

/**
 * Submitted values without the parameters of sections the principal may not read: it cannot set
 * what it is not shown (steps would otherwise read an unvalidated value).
 */
export function withoutHiddenValues(values: JsonObject | undefined, hidden: readonly string[]): JsonObject | undefined {
  if (!values || hidden.length === 0) return values;
  return Object.fromEntries(Object.entries(values).filter(([key]) => !hidden.includes(key)));
}
