import { applyConditions, createPortalAuth, createLogger, memorySink, PermissionRuleError, validateConditions } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import {
  createScaffolderConditionalDecision,
  createScaffolder,
  memoryTaskStore,
  scaffolderActionConditions as action,
  scaffolderActionRules,
  scaffolderTaskConditions,
  scaffolderTaskReadPermission,
  scaffolderTaskRules,
  scaffolderTemplateConditions,
  scaffolderTemplateRules,
  taskConditionsToFilter,
} from '../index.js';
import type { JsonObject, ScaffolderActionResource } from '../index.js';

const onAction = (input: unknown, id = 'publish:git'): ScaffolderActionResource => ({ action: id, input: input as JsonObject });
const allows = (condition: Parameters<typeof applyConditions>[0], resource: ScaffolderActionResource) =>
  applyConditions(condition, resource, scaffolderActionRules);

describe('scaffolder permission rules', () => {
  it('HAS_TAG reads only an array of tags under backstage:permissions', () => {
    const hasTag = scaffolderTemplateConditions.hasTag({ tag: 'platform' });
    const check = (resource: Record<string, unknown>) => applyConditions(hasTag, resource, scaffolderTemplateRules);
    expect(check({ 'backstage:permissions': { tags: ['platform'] } })).toBe(true);
    expect(check({ 'backstage:permissions': { tags: 'platform' } })).toBe(false);
    expect(check({ 'backstage:permissions': { tags: [['platform']] } })).toBe(false);
    expect(check({ 'backstage:permissions': null })).toBe(false);
    expect(check({ tags: ['platform'] })).toBe(false);
    expect(check({})).toBe(false);
  });

  it('HAS_ACTION_ID and the property rules match lodash-style paths of own properties only', () => {
    expect(allows(action.hasActionId({ actionId: 'publish:git' }), onAction({}))).toBe(true);
    expect(allows(action.hasActionId({ actionId: 'publish:git' }), onAction({}, 'publish:github'))).toBe(false);
    const input = { remoteUrl: 'https://x', repo: { owner: 'me', private: true, stars: 3 }, items: [{ name: 'a' }], empty: null };
    expect(allows(action.hasProperty({ key: 'repo.owner', value: 'me' }), onAction(input))).toBe(true);
    expect(allows(action.hasProperty({ key: 'items[0].name', value: 'a' }), onAction(input))).toBe(true);
    expect(allows(action.hasProperty({ key: 'empty', value: null }), onAction(input))).toBe(true);
    expect(allows(action.hasProperty({ key: 'missing' }), onAction(input))).toBe(false);
    // Prototype keys are never found: a condition cannot be satisfied by what every object inherits.
    for (const key of ['__proto__', 'constructor', 'toString', 'repo.__proto__', 'remoteUrl.length']) {
      expect({ key, found: allows(action.hasProperty({ key }), onAction(input)) }).toEqual({ key, found: false });
    }
    expect(allows(action.hasStringProperty({ key: 'remoteUrl' }), onAction(input))).toBe(true);
    expect(allows(action.hasStringProperty({ key: 'repo.stars' }), onAction(input))).toBe(false);
    expect(allows(action.hasNumberProperty({ key: 'repo.stars', value: 3 }), onAction(input))).toBe(true);
    expect(allows(action.hasNumberProperty({ key: 'repo.stars', value: 4 }), onAction(input))).toBe(false);
    expect(allows(action.hasBooleanProperty({ key: 'repo.private' }), onAction(input))).toBe(true);
    expect(allows(action.hasBooleanProperty({ key: 'repo.owner' }), onAction(input))).toBe(false);
    expect(allows(action.hasStringProperty({ key: 'remoteUrl' }), onAction(undefined))).toBe(false);
    expect(allows(action.hasStringProperty({ key: 'remoteUrl' }), onAction(['https://x']))).toBe(false);
  });

  it('IS_TASK_OWNER: a task without a creator is nobody\'s; the filter says the same', () => {
    const mine = scaffolderTaskConditions.isTaskOwner({ createdBy: ['user:default/jane'] });
    expect(applyConditions(mine, { createdBy: 'user:default/jane' }, scaffolderTaskRules)).toBe(true);
    expect(applyConditions(mine, {}, scaffolderTaskRules)).toBe(false);
    expect(applyConditions({ not: mine }, {}, scaffolderTaskRules)).toBe(true);
    expect(taskConditionsToFilter({ anyOf: [mine, { not: mine }] })).toEqual({
      anyOf: [{ createdBy: ['user:default/jane'] }, { not: { createdBy: ['user:default/jane'] } }],
    });
  });

  it('rejects unknown rules and bad or extra params when a policy is built', () => {
    expect(() => validateConditions({ resourceType: 'scaffolder-action', rule: 'HAS_ACTION', params: { actionId: 'x' } }, scaffolderActionRules)).toThrow(PermissionRuleError);
    expect(() => validateConditions({ resourceType: 'scaffolder-action', rule: 'HAS_STRING_PROPERTY', params: { key: 'a', value: 3 } }, scaffolderActionRules)).toThrow(PermissionRuleError);
    expect(() => validateConditions({ resourceType: 'scaffolder-action', rule: 'HAS_ACTION_ID', params: { actionId: 'x', also: 1 } }, scaffolderActionRules)).toThrow(PermissionRuleError);
    expect(() => validateConditions({ resourceType: 'scaffolder-task', rule: 'IS_TASK_OWNER', params: { createdBy: 'user:default/jane' } }, scaffolderTaskRules)).toThrow(PermissionRuleError);
    expect(() => taskConditionsToFilter({ resourceType: 'scaffolder-task', rule: 'HAS_TAG', params: { tag: 'x' } })).toThrow(PermissionRuleError);
  });

  it('a task.read policy naming an unknown rule lists nothing and hides every task (denied, logged), never 500', async () => {
    const sink = memorySink();
    const logger = createLogger({ sink });
    const auth = createPortalAuth({
      logger,
      audit: () => {},
      policy: (_principal, permission) =>
        permission.name === 'scaffolder.task.read'
          ? createScaffolderConditionalDecision(scaffolderTaskReadPermission, { resourceType: 'scaffolder-task', rule: 'IS_TASK_OWNR', params: {} })
          : { result: 'ALLOW' },
    });
    const store = memoryTaskStore();
    const scaffolder = createScaffolder({ actions: [], taskStore: store, auth, logger });
    const task = await store.createTask({ spec: { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } }, createdBy: 'user:default/jane' });
    const jane = scaffolder.forPrincipal({ type: 'user', subject: 'user:default/jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: [], claims: {} });
    expect(await jane.listTasks()).toEqual({ tasks: [], totalTasks: 0 });
    expect(await jane.getTask(task.id)).toBeUndefined();
    expect(sink.records.some((r) => r.level === 'error' && /denying/.test(r.message))).toBe(true);
    expect(() => scaffolder.forPrincipal({ type: 'root' } as never)).toThrow(/not a Principal/);
  });
});
