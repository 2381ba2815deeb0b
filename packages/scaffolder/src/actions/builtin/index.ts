import type { UrlReader } from '@portalkit/core';
import { isAzureIntegration, isGiteaIntegration, type ScmIntegrations } from '@portalkit/integrations';
import type { ScaffolderAction, ScaffolderCatalog, TemplateFilter, TemplateGlobal } from '../../types.js';
import { createCatalogFetchAction } from './catalogFetch.js';
import { createCatalogRegisterAction } from './catalogRegister.js';
import { createCatalogWriteAction } from './catalogWrite.js';
import { createDebugLogAction } from './debugLog.js';
import { createFetchPlainAction } from './fetchPlain.js';
import { createFetchPlainFileAction } from './fetchPlainFile.js';
import { createFetchTemplateAction } from './fetchTemplate.js';
import { createFsDeleteAction } from './fsDelete.js';
import { createFsRenameAction } from './fsRename.js';
import { createPublishAzureAction } from './publish/azure.js';
import { createPublishGiteaAction } from './publish/gitea.js';
import { createPublishGitAction } from './publishGit.js';

/** Options of {@link builtinActions}. */
export interface BuiltinActionsOptions {
  /**
   * Used by `catalog:register` and `catalog:fetch`, which act as the task's creator through its
   * `forPrincipal` (the `@portalkit/catalog` catalog has it); under a permission policy a catalog
   * without `forPrincipal` is refused (docs/actions.md).
   */
  catalog?: ScaffolderCatalog;
  /** Used by the fetch actions for remote URLs. */
  reader?: UrlReader;
  /** Extra template filters and globals for `fetch:template`. */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
  /** Directories `publish:git` may create and push repositories in; default anywhere. Set it unless every template is trusted. */
  gitRemoteRoots?: string[];
  /** Configured source hosts: the host publish actions (`publish:azure`, `publish:gitea`, ...) are included for each configured type. */
  integrations?: ScmIntegrations;
}

/**
 * Every built-in action: fetch:plain, fetch:plain:file, fetch:template, fs:rename, fs:delete,
 * debug:log, catalog:register, catalog:write, catalog:fetch, publish:git; with `integrations`,
 * publish:azure and publish:gitea when such a host is configured.
 *
 * @example
 * ```ts
 * const scaffolder = createScaffolder({ actions: [...builtinActions({ catalog }), myAction] });
 * ```
 */
export function builtinActions(options: BuiltinActionsOptions = {}): ScaffolderAction[] {
  const reader = options.reader ? { reader: options.reader } : {};
  const catalog = options.catalog ? { catalog: options.catalog } : {};
  const integrations = options.integrations?.list() ?? [];
  const hostActions: ScaffolderAction[] = [];
  if (options.integrations && integrations.some(isAzureIntegration)) hostActions.push(createPublishAzureAction({ integrations: options.integrations }));
  if (options.integrations && integrations.some(isGiteaIntegration)) hostActions.push(createPublishGiteaAction({ integrations: options.integrations }));
  return [
    createFetchPlainAction(reader),
    createFetchPlainFileAction(reader),
    createFetchTemplateAction({
      ...reader,
      ...(options.filters ? { filters: options.filters } : {}),
      ...(options.globals ? { globals: options.globals } : {}),
    }),
    createFsRenameAction(),
    createFsDeleteAction(),
    createDebugLogAction(),
    createCatalogRegisterAction(catalog),
    createCatalogWriteAction(),
    createCatalogFetchAction(catalog),
    createPublishGitAction(options.gitRemoteRoots ? { allowedRoots: options.gitRemoteRoots } : {}),
    ...hostActions,
  ];
}
