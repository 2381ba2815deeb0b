import { applyConditions, type Logger, type PortalAuth, type Principal, type PolicyDecision } from '@portalkit/core';
import type { JsonObject, TemplateEntity, TemplateParameterPage } from '../types.js';
import {
  RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateStepReadPermission,
} from '../permissions/permissions.js';
import { type ScaffolderTemplateResource, scaffolderTemplateRules } from '../permissions/rules.js';

/** A template as one principal may see it. */
export interface AuthorizedTemplate {
  /** The template without the parameter sections the principal may not read. */
  template: TemplateEntity;
  /** Ids of the steps the principal may not read (a task of this template is refused). */
  hiddenSteps: string[];
  /** Top-level parameter names declared only by removed sections. */
  hiddenParameters: string[];
}

function allows(decision: PolicyDecision, resource: ScaffolderTemplateResource, logger: Logger): boolean {
  if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
  if (decision.resourceType !== RESOURCE_TYPE_SCAFFOLDER_TEMPLATE) return false;
  try {
    return applyConditions(decision.conditions, resource, scaffolderTemplateRules);
  } catch (error) {
    logger.error('scaffolder: template permission conditions could not be applied; denying', { error });
    return false;
  }
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
  const kept: TemplateParameterPage[] = [];
  const removed: TemplateParameterPage[] = [];
  for (const page of template.spec.parameters) (allows(parameterDecision, page, logger) ? kept : removed).push(page);
  const visible = new Set(kept.flatMap(propertyNames));
  const hiddenParameters = [...new Set(removed.flatMap(propertyNames))].filter((name) => !visible.has(name));
  const hiddenSteps = template.spec.steps
    .filter((step) => !allows(stepDecision, step as unknown as ScaffolderTemplateResource, logger))
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
