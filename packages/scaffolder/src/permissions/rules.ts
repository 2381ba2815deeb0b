/*
 * The rules scaffolder conditions may name, as Backstage's scaffolder backend rules: HAS_TAG on
 * template parameter sections and steps, HAS_ACTION_ID and the HAS_*_PROPERTY rules on an
 * action with its rendered input, IS_TASK_OWNER on tasks. Task rules become a TaskFilter the
 * stores query; template and action rules are only applied to one resource, so their `toQuery`
 * is the same predicate as `apply`.
 */
import { createConditionFactory, createPermissionRule, type PermissionRule } from '@portalkit/core';
import { z } from 'zod';
import type { JsonObject, JsonValue } from '../types.js';
import {
  RESOURCE_TYPE_SCAFFOLDER_ACTION,
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
} from './permissions.js';
import { type TaskFilter, taskMatchesFilter } from './taskFilter.js';

/**
 * A template parameter section or step as template rules see it: its `backstage:permissions` tags.
 *
 * @example
 * ```ts
 * const step: ScaffolderTemplateResource = { id: 'publish', action: 'publish:git', 'backstage:permissions': { tags: ['admin'] } };
 * ```
 */
export type ScaffolderTemplateResource = { 'backstage:permissions'?: unknown; [key: string]: unknown };
/**
 * A step's action as action rules see it: the action id and the step's rendered, validated input.
 *
 * @example
 * ```ts
 * const resource: ScaffolderActionResource = { action: 'publish:git', input: { remoteUrl: 'https://git.example.com/a.git' } };
 * ```
 */
export interface ScaffolderActionResource {
  action: string;
  input: JsonObject | undefined;
}
/** A predicate on one resource: what template and action rules' `toQuery` return. */
export type ScaffolderResourcePredicate<T> = (resource: T) => boolean;

function tagsOf(resource: ScaffolderTemplateResource): unknown[] {
  const permissions = resource['backstage:permissions'];
  if (typeof permissions !== 'object' || permissions === null) return [];
  const tags = (permissions as { tags?: unknown }).tags;
  return Array.isArray(tags) ? tags : [];
}

/** Has the tag in its `backstage:permissions.tags`. */
export const hasTagRule: PermissionRule<ScaffolderTemplateResource, ScaffolderResourcePredicate<ScaffolderTemplateResource>, { tag: string }> =
  createPermissionRule({
    name: 'HAS_TAG',
    description: 'Match parameters or steps with the given tag',
    resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
    paramsSchema: z.strictObject({ tag: z.string() }),
    apply: (resource, { tag }) => tagsOf(resource).includes(tag),
    toQuery: ({ tag }) => (resource) => tagsOf(resource).includes(tag),
  });

/** Is the action with this id. */
export const hasActionIdRule: PermissionRule<ScaffolderActionResource, ScaffolderResourcePredicate<ScaffolderActionResource>, { actionId: string }> =
  createPermissionRule({
    name: 'HAS_ACTION_ID',
    description: 'Match actions with the given actionId',
    resourceType: RESOURCE_TYPE_SCAFFOLDER_ACTION,
    paramsSchema: z.strictObject({ actionId: z.string() }),
    apply: (resource, { actionId }) => resource.action === actionId,
    toQuery: ({ actionId }) => (resource) => resource.action === actionId,
  });

/**
 * The value at a lodash-style path (`a.b`, `items[0].name`) of the input, own properties only
 * (`__proto__` or `constructor` never reach an object's prototype).
 */
function valueAt(input: JsonObject | undefined, key: string): JsonValue | undefined {
  let current: unknown = input;
  for (const segment of key.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current as JsonValue | undefined;
}

type Primitive = string | number | boolean | null;

function propertyRule<V extends Primitive>(name: string, valueSchema: z.ZodType<V>, checkType: boolean) {
  const matches = (resource: ScaffolderActionResource, { key, value }: { key: string; value?: V | undefined }) => {
    const found = valueAt(resource.input, key);
    if (checkType && !valueSchema.safeParse(found).success) return false;
    if (value !== undefined) return value === found;
    return found !== undefined;
  };
  return createPermissionRule({
    name,
    description: 'Allow actions with the specified property (and value, when given) in their input',
    resourceType: RESOURCE_TYPE_SCAFFOLDER_ACTION,
    paramsSchema: z.strictObject({ key: z.string().min(1), value: valueSchema.optional() }) as z.ZodType<{ key: string; value?: V | undefined }>,
    apply: matches,
    toQuery: (params) => (resource: ScaffolderActionResource) => matches(resource, params),
  });
}

/** The input has `key` (a lodash-style path), equal to `value` when given (string, number, boolean or null). */
export const hasPropertyRule = propertyRule<Primitive>('HAS_PROPERTY', z.union([z.string(), z.number(), z.boolean(), z.null()]), false);
/** The input has a boolean at `key`, equal to `value` when given. */
export const hasBooleanPropertyRule = propertyRule<boolean>('HAS_BOOLEAN_PROPERTY', z.boolean(), true);
/** The input has a number at `key`, equal to `value` when given. */
export const hasNumberPropertyRule = propertyRule<number>('HAS_NUMBER_PROPERTY', z.number(), true);
/** The input has a string at `key`, equal to `value` when given. */
export const hasStringPropertyRule = propertyRule<string>('HAS_STRING_PROPERTY', z.string(), true);

/** Was created by one of `createdBy` (entity refs, usually the principal's `userEntityRef`). */
export const isTaskOwnerRule: PermissionRule<{ createdBy?: string | undefined }, TaskFilter, { createdBy: string[] }> = createPermissionRule({
  name: 'IS_TASK_OWNER',
  description: 'Allow tasks created by one of the given entity refs',
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK,
  paramsSchema: z.strictObject({ createdBy: z.array(z.string()) }),
  apply: (task, params) => taskMatchesFilter(task, { createdBy: params.createdBy }),
  toQuery: ({ createdBy }) => ({ createdBy }),
});

/**
 * The rules conditions on template parameter sections and steps may name.
 *
 * @example
 * ```ts
 * applyConditions(decision.conditions, step, scaffolderTemplateRules);
 * ```
 */
export const scaffolderTemplateRules = [hasTagRule] as const;
/**
 * The rules conditions on actions may name.
 *
 * @example
 * ```ts
 * applyConditions(decision.conditions, { action: 'publish:git', input }, scaffolderActionRules);
 * ```
 */
export const scaffolderActionRules = [
  hasActionIdRule,
  hasPropertyRule,
  hasBooleanPropertyRule,
  hasNumberPropertyRule,
  hasStringPropertyRule,
] as const;
/**
 * The rules conditions on tasks may name.
 *
 * @example
 * ```ts
 * applyConditions(decision.conditions, taskRecord, scaffolderTaskRules);
 * ```
 */
export const scaffolderTaskRules = [isTaskOwnerRule] as const;

/**
 * Condition builders for `scaffolder.template.parameter.read` and `scaffolder.template.step.read`,
 * as Backstage's `scaffolderTemplateConditions`.
 *
 * @example
 * ```ts
 * const decision = createScaffolderTemplateConditionalDecision(permission, scaffolderTemplateConditions.hasTag({ tag: 'secret' }));
 * ```
 */
export const scaffolderTemplateConditions = { hasTag: createConditionFactory(hasTagRule) };
/**
 * Condition builders for `scaffolder.action.execute`, as Backstage's `scaffolderActionConditions`.
 *
 * @example
 * ```ts
 * const deny = { not: scaffolderActionConditions.hasActionId({ actionId: 'publish:git' }) };
 * ```
 */
export const scaffolderActionConditions = {
  hasActionId: createConditionFactory(hasActionIdRule),
  hasProperty: createConditionFactory(hasPropertyRule),
  hasBooleanProperty: createConditionFactory(hasBooleanPropertyRule),
  hasNumberProperty: createConditionFactory(hasNumberPropertyRule),
  hasStringProperty: createConditionFactory(hasStringPropertyRule),
};
/**
 * Condition builders for `scaffolder.task.read` and `scaffolder.task.cancel`, as Backstage's
 * `scaffolderTaskConditions`.
 *
 * @example
 * ```ts
 * const mine = scaffolderTaskConditions.isTaskOwner({ createdBy: [principal.userEntityRef!] });
 * ```
 */
export const scaffolderTaskConditions = { isTaskOwner: createConditionFactory(isTaskOwnerRule) };
