export {
  RESOURCE_TYPE_SCAFFOLDER_ACTION,
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
  scaffolderActionExecutePermission,
  scaffolderPermissions,
  scaffolderTaskCancelPermission,
  scaffolderTaskCreatePermission,
  scaffolderTaskReadPermission,
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateStepReadPermission,
} from './permissions.js';
export {
  hasActionIdRule,
  hasBooleanPropertyRule,
  hasNumberPropertyRule,
  hasPropertyRule,
  hasStringPropertyRule,
  hasTagRule,
  isTaskOwnerRule,
  scaffolderActionConditions,
  scaffolderActionRules,
  scaffolderTaskConditions,
  scaffolderTaskRules,
  scaffolderTemplateConditions,
  scaffolderTemplateRules,
} from './rules.js';
export type { ScaffolderActionResource, ScaffolderResourcePredicate, ScaffolderTemplateResource } from './rules.js';
export { createScaffolderConditionalDecision, taskConditionsToFilter } from './decisions.js';
export { taskMatchesFilter } from './taskFilter.js';
export type { TaskFilter } from './taskFilter.js';
