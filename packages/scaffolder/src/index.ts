export { MAX_TASK_RECOVERIES, TEMPLATE_API_VERSION } from './types.js';
export type {
  ActionContext,
  ActionSchemas,
  CatalogEntityLike,
  JsonObject,
  JsonValue,
  ScaffolderAction,
  ScaffolderCatalog,
  ScaffolderLocationSpec,
  ScaffolderUser,
  TaskEvent,
  TaskEventBody,
  TaskEventType,
  TaskRecord,
  TaskCreator,
  SealedSecrets,
  TaskCheckpoint,
  TaskRecoveryStrategy,
  TaskResumeMode,
  TaskState,
  ServiceForPrincipal,
  TaskSpec,
  TaskStatus,
  TemplateEntity,
  TemplateFilter,
  TemplateGlobal,
  TemplateInfo,
  TemplateParameterPage,
  TemplateStep,
} from './types.js';

export { parseTemplate } from './template/parseTemplate.js';
export type { ParseTemplateOptions } from './template/parseTemplate.js';
export { validateValues } from './template/validateValues.js';
export { getParameterSchema } from './template/parameterSchema.js';
export type { TemplateParameterSchema } from './template/parameterSchema.js';
export { LOCATION_ANNOTATION, loadTemplate, templateBaseUrl } from './template/loadTemplate.js';
export { assertTemplateChecks, checkTemplate } from './template/static-check.js';
export type { CheckTemplateOptions } from './template/static-check.js';
export type { ActionSchemaSource } from './template/step-references.js';
export { TemplateProblemsError } from './template/template-problem.js';
export type { TemplateProblem, TemplateProblemRule } from './template/template-problem.js';

export { createTemplater } from './render/templater.js';
export type { Templater, TemplaterOptions } from './render/templater.js';
export { defaultFilters, parseEntityRef, parseRepoUrl, pick, yamlScalar } from './render/filters.js';
export type { ParsedEntityRef, RepoSpec } from './render/filters.js';
export { isTruthy, renderValue } from './render/renderValue.js';

export { createAction } from './actions/createAction.js';
export type { ActionSchemaInput, CreateActionOptions } from './actions/createAction.js';
export type { StandardSchemaV1 } from './actions/standardSchema.js';
export { resolveSafeChildPath } from './actions/resolveSafeChildPath.js';
export { runGit } from './git/runGit.js';
export type { GitRunOptions } from './git/runGit.js';
export { builtinActions } from './actions/builtin/index.js';
export type { BuiltinActionsOptions } from './actions/builtin/index.js';
export { createFetchPlainAction } from './actions/builtin/fetchPlain.js';
export { createFetchPlainFileAction } from './actions/builtin/fetchPlainFile.js';
export { createFetchTemplateAction } from './actions/builtin/fetchTemplate.js';
export type { FetchTemplateActionOptions } from './actions/builtin/fetchTemplate.js';
export { createFetchTemplateFileAction } from './actions/builtin/fetchTemplateFile.js';
export type { FetchTemplateFileActionOptions } from './actions/builtin/fetchTemplateFile.js';
export { createWorkspaceTemplateAction } from './actions/builtin/workspaceTemplate.js';
export { createWorkspaceTemplateFileAction } from './actions/builtin/workspaceTemplateFile.js';
export type { WorkspaceTemplateActionOptions } from './actions/builtin/workspaceTemplateFile.js';
export { createFsReaddirAction } from './actions/builtin/fsReaddir.js';
export { createDebugWaitAction } from './actions/builtin/debugWait.js';
export type { DebugWaitActionOptions } from './actions/builtin/debugWait.js';
export type { FetchReaders } from './actions/builtin/fetchContents.js';
export { createFsRenameAction } from './actions/builtin/fsRename.js';
export { createFsDeleteAction } from './actions/builtin/fsDelete.js';
export { createDebugLogAction } from './actions/builtin/debugLog.js';
export { createCatalogRegisterAction } from './actions/builtin/catalogRegister.js';
export { createCatalogWriteAction } from './actions/builtin/catalogWrite.js';
export { createCatalogFetchAction } from './actions/builtin/catalogFetch.js';
export { createCatalogAnnotateAction, createCatalogTimestampingAction } from './actions/builtin/catalogAnnotate.js';
export { createCatalogEntityUpdateAction } from './actions/builtin/catalogEntityUpdate.js';
export { createPublishAzureAction } from './actions/builtin/publish/azure.js';
export { createPublishGiteaAction } from './actions/builtin/publish/gitea.js';
export { createPublishGitAction } from './actions/builtin/publishGit.js';
export { createPublishBitbucketCloudAction } from './actions/builtin/publish/bitbucket-cloud.js';
export { createPublishBitbucketServerAction } from './actions/builtin/publish/bitbucket-server.js';
export type { PublishGitActionOptions } from './actions/builtin/publishGit.js';
export { createPublishGitlabAction } from './actions/builtin/publish/gitlab.js';
export type { PublishGitlabActionOptions } from './actions/builtin/publish/gitlab.js';
export { createPublishGitlabMergeRequestAction } from './actions/builtin/publish/gitlabMergeRequest.js';
export type { PublishGitlabMergeRequestActionOptions } from './actions/builtin/publish/gitlabMergeRequest.js';
export { createPublishGithubAction } from './actions/builtin/publish/github.js';
export type { PublishGithubActionOptions } from './actions/builtin/publish/github.js';
export { createPublishGithubPullRequestAction } from './actions/builtin/publish/github-pull-request.js';
export type { PublishGithubPullRequestActionOptions } from './actions/builtin/publish/github-pull-request.js';

export { memoryTaskStore } from './tasks/memoryTaskStore.js';
export { postgresTaskStore } from './tasks/postgresTaskStore.js';
export type { PostgresTaskStoreOptions } from './tasks/postgresTaskStore.js';
export { pgliteTaskStore } from './tasks/pgliteTaskStore.js';
export type { PgliteTaskStoreOptions } from './tasks/pgliteTaskStore.js';
export { RECOVERED_MESSAGE, REQUEUED_MESSAGE, RETRIED_MESSAGE } from './tasks/taskStore.js';
export type { TaskCompletion, TaskListOptions, TaskStateUpdate, TaskStore } from './tasks/taskStore.js';
export { TaskSecretsUnavailableError, createSecretBox } from './tasks/secretBox.js';
export type { SecretBox, TaskSecretKey } from './tasks/secretBox.js';

export { TaskCancelledError } from './runner/executeWorkflow.js';
export type { DirectoryContent } from './runner/directoryContents.js';

export { createScaffolder } from './create-scaffolder.js';
export type {
  ActionDescription,
  DryRunResult,
  RunOptions,
  Scaffolder,
  ScaffolderLibrary,
  ScaffolderOptions,
  Task,
  TaskResult,
} from './scaffolderTypes.js';
export { createScaffolderHandler } from './http/handler.js';
export type { ScaffolderHandlerOptions } from './http/options.js';
export { autocompleteRequestSchema, autocompleteResponseSchema } from './http/autocomplete.js';
export type { AutocompleteProvider, AutocompleteResponse } from './http/autocomplete.js';
export { describeTemplatingExtensions, templatingExtensionsSchema } from './render/templatingExtensions.js';
export type { TemplatingExtensions } from './render/templatingExtensions.js';
export { scaffolderPlugin } from './plugin.js';
export { scaffolderConfigSchema } from './config.js';
export type { ScaffolderConfig } from './config.js';
export type { ScaffolderPluginOptions } from './plugin.js';

export {
  RESOURCE_TYPE_SCAFFOLDER_ACTION,
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
  createScaffolderConditionalDecision,
  hasActionIdRule,
  hasBooleanPropertyRule,
  hasNumberPropertyRule,
  hasPropertyRule,
  hasStringPropertyRule,
  hasTagRule,
  isTaskOwnerRule,
  scaffolderActionConditions,
  scaffolderActionExecutePermission,
  scaffolderActionRules,
  scaffolderPermissions,
  scaffolderTaskCancelPermission,
  scaffolderTaskConditions,
  scaffolderTaskCreatePermission,
  scaffolderTaskReadPermission,
  scaffolderTaskRules,
  scaffolderTemplateConditions,
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateRules,
  scaffolderTemplateStepReadPermission,
  taskConditionsToFilter,
  taskMatchesFilter,
} from './permissions/index.js';
export type { ScaffolderActionResource, ScaffolderResourcePredicate, ScaffolderTemplateResource, TaskFilter } from './permissions/index.js';
