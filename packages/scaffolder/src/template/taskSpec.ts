import { InputError } from '@portalkit/core';
import type { JsonObject, TaskRecoveryStrategy, TaskSpec, TemplateEntity } from '../types.js';
import { TEMPLATE_API_VERSION } from '../types.js';
import type { RunOptions } from '../scaffolderTypes.js';
import { parseTemplate } from './parseTemplate.js';
import { validateValues } from './validateValues.js';
import { templateBaseUrl } from './loadTemplate.js';
import { withoutLocationAnnotations } from './untrustedTemplate.js';

/**
 * Validate a template and its values and build the task spec to store. Bad input throws
 * `InputError`. `fromClient`: the template came with a request, so its location annotations name
 * no base location (only `runOptions.baseUrl`, set by host code, does).
 */
export function prepareTaskSpec(template: unknown, runOptions: RunOptions, fromClient = false, check?: (template: TemplateEntity) => void): TaskSpec {
  const parsed = parseTemplate(template);
  // The scaffolder's template check (actions, filters, step references), before the values.
  check?.(parsed);
  const entity = fromClient ? withoutLocationAnnotations(parsed) : parsed;
  const values = validateValues(entity, runOptions.values ?? {});
  const namespace = entity.metadata.namespace ?? 'default';
  const baseUrl = runOptions.baseUrl ?? (fromClient ? undefined : templateBaseUrl(entity));
  const spec: TaskSpec = {
    apiVersion: TEMPLATE_API_VERSION,
    parameters: values,
    steps: entity.spec.steps,
    output: entity.spec.output ?? {},
    templateInfo: {
      entityRef: `template:${namespace}/${entity.metadata.name}`,
      ...(baseUrl ? { baseUrl } : {}),
      entity: { metadata: JSON.parse(JSON.stringify(entity.metadata)) as JsonObject },
    },
  };
  if (runOptions.user) spec.user = runOptions.user;
  const recovery = recoveryOf(entity.spec.EXPERIMENTAL_recovery);
  if (recovery) spec.EXPERIMENTAL_recovery = { EXPERIMENTAL_strategy: recovery };
  if (runOptions.secrets && Object.keys(runOptions.secrets).length) spec.hasSecrets = true;
  return spec;
}

const strategies = new Set<TaskRecoveryStrategy>(['none', 'startOver', 'resume']);

/** `spec.EXPERIMENTAL_recovery.EXPERIMENTAL_strategy` of a template, checked. */
function recoveryOf(value: unknown): TaskRecoveryStrategy | undefined {
  if (value === undefined) return undefined;
  const strategy = (value as { EXPERIMENTAL_strategy?: unknown } | null)?.EXPERIMENTAL_strategy;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (strategy !== undefined && !strategies.has(strategy as TaskRecoveryStrategy))) {
    throw new InputError(`spec.EXPERIMENTAL_recovery.EXPERIMENTAL_strategy: must be one of ${[...strategies].join(', ')}`);
  }
  return strategy as TaskRecoveryStrategy | undefined;
}
