import type { UrlReader } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import type { ScaffolderAction, ScaffolderCatalog, TemplateFilter, TemplateGlobal } from '../../types.js';
import { createCatalogAnnotateAction, createCatalogTimestampingAction } from './catalogAnnotate.js';
import { createCatalogEntityUpdateAction } from './catalogEntityUpdate.js';
import { createCatalogFetchAction } from './catalogFetch.js';
import { createCatalogRegisterAction } from './catalogRegister.js';
import { createCatalogWriteAction } from './catalogWrite.js';
import { createDebugLogAction } from './debugLog.js';
import { createDebugWaitAction } from './debugWait.js';
import { readersOf } from './fetchContents.js';
import { createFetchPlainAction } from './fetchPlain.js';
import { createFetchPlainFileAction } from './fetchPlainFile.js';
import { createFetchTemplateAction } from './fetchTemplate.js';
import { createFetchTemplateFileAction } from './fetchTemplateFile.js';
import { createFsDeleteAction } from './fsDelete.js';
import { createFsReaddirAction } from './fsReaddir.js';
import { createFsRenameAction } from './fsRename.js';
import { createPublishAzureAction } from './publish/azure.js';
import { createPublishBitbucketCloudAction } from './publish/bitbucket-cloud.js';
import { createPublishBitbucketServerAction } from './publish/bitbucket-server.js';
import { createPublishGiteaAction } from './publish/gitea.js';
import { createPublishGitAction } from './publishGit.js';
import { createPublishGitlabAction } from './publish/gitlab.js';
import { createPublishGitlabMergeRequestAction } from './publish/gitlabMergeRequest.js';
import { createPublishGithubAction } from './publish/github.js';
import { createPublishGithubPullRequestAction } from './publish/github-pull-request.js';
import { createWorkspaceTemplateAction } from './workspaceTemplate.js';
import { createWorkspaceTemplateFileAction } from './workspaceTemplateFile.js';

/** Options of {@link builtinActions}. */
export interface BuiltinActionsOptions {
  /**
   * Used by `catalog:register` and `catalog:fetch`, which act as the task's creator through its
   * `forPrincipal` (the `@portalkit/catalog` catalog has it); under a permission policy a catalog
   * without `forPrincipal` is refused (docs/actions.md).
   */
  catalog?: ScaffolderCatalog;
  /** Used by the fetch actions for remote URLs no integration serves (after the integrations' readers). */
  reader?: UrlReader;
  /**
   * Configured source hosts (`createIntegrations`): the fetch actions read their URLs (and the
   * skeletons of templates registered from them, resolved within the template's repository), and
   * the publish actions push to them (`publish:git` to `git` integrations; each host's own
   * actions are included when a host of its type is configured).
   */
  integrations?: ScmIntegrations;
  /** Extra template filters and globals for `fetch:template`, `fetch:template:file` and `workspace:template(:file)`. */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
  /** Directories `publish:git` may create and push repositories in; default anywhere. Set it unless every template is trusted. */
  gitRemoteRoots?: string[];
  /** The longest wait `debug:wait` allows, in milliseconds; default 30 000 (as Backstage). */
  maxWaitMs?: number;
}

/**
 * Every built-in action: fetch:plain, fetch:plain:file, fetch:template, fetch:template:file,
 * workspace:template, workspace:template:file, fs:rename, fs:delete, fs:readdir, debug:log,
 * debug:wait, catalog:register, catalog:annotate, catalog:timestamping, catalog:write, catalog:fetch, publish:git; with `integrations`, the
 * publish actions of the configured hosts (publish:bitbucketCloud, publish:bitbucketServer,
 * publish:github, publish:github:pull-request, publish:gitlab, publish:gitlab:merge-request,
 * publish:azure, publish:gitea).
 *
 * @example
 * ```ts
 * const scaffolder = createScaffolder({ actions: [...builtinActions({ catalog }), myAction] });
 * ```
 */
export function builtinActions(options: BuiltinActionsOptions = {}): ScaffolderAction[] {
  const reader = readersOf(options);
  const catalog = options.catalog ? { catalog: options.catalog } : {};
  const templating = {
    ...(options.filters ? { filters: options.filters } : {}),
    ...(options.globals ? { globals: options.globals } : {}),
  };
  return [
    createFetchPlainAction(reader),
    createFetchPlainFileAction(reader),
    createFetchTemplateAction({ ...reader, ...templating }),
    createFetchTemplateFileAction({ ...reader, ...templating }),
    createWorkspaceTemplateAction(templating),
    createWorkspaceTemplateFileAction(templating),
    createFsRenameAction(),
    createFsDeleteAction(),
    createFsReaddirAction(),
    createDebugLogAction(),
    createDebugWaitAction(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
    createCatalogRegisterAction(catalog),
    createCatalogWriteAction(),
    createCatalogFetchAction(catalog),
    createCatalogAnnotateAction(),
    createCatalogTimestampingAction(),
    createCatalogEntityUpdateAction(catalog),
    createPublishGitAction({
      ...(options.gitRemoteRoots ? { allowedRoots: options.gitRemoteRoots } : {}),
      ...(options.integrations ? { integrations: options.integrations } : {}),
    }),
    ...hostPublishActions(options.integrations),
  ];
}

/** The publish actions of the host types configured in `integrations`. */
function hostPublishActions(integrations: ScmIntegrations | undefined): ScaffolderAction[] {
  if (!integrations) return [];
  const types = new Set(integrations.list().map((integration) => integration.type));
  return [
    ...(types.has('bitbucketCloud') ? [createPublishBitbucketCloudAction({ integrations })] : []),
    ...(types.has('bitbucketServer') ? [createPublishBitbucketServerAction({ integrations })] : []),
    ...(types.has('gitlab') ? [createPublishGitlabAction({ integrations }), createPublishGitlabMergeRequestAction({ integrations })] : []),
    ...(types.has('github') ? [createPublishGithubAction({ integrations }), createPublishGithubPullRequestAction({ integrations })] : []),
    ...(types.has('azure') ? [createPublishAzureAction({ integrations })] : []),
    ...(types.has('gitea') ? [createPublishGiteaAction({ integrations })] : []),
  ];
}

