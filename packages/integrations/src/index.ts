/**
 * Source hosts for portalkit: one integration per configured host, each with its URL grammar,
 * its reader (read, readTree, search) and its credentials; `createIntegrations` builds them all
 * from Backstage's `integrations` config.
 *
 * @packageDocumentation
 */
export * from './config.js';
export { createHostFetch } from './host-fetch.js';
export type { HostFetchOptions } from './host-fetch.js';
export type { HostIntegrationOptions } from './host-options.js';
export { createIntegrations } from './integrations.js';
export type { IntegrationsOptions, ScmIntegrations } from './integrations.js';
export { createTreeResponse, DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, readTarArchive, safeTreePath } from './tree/index.js';
export type { TarArchiveOptions } from './tree/index.js';
export type { ScmIntegration, ScmIntegrationType, ScmLocation, TreeLimits } from './types.js';
export { createAzureIntegration } from './azure/index.js';
export { createBitbucketCloudIntegration, isBitbucketCloudIntegration } from './bitbucket-cloud/index.js';
export type { BitbucketCloudIntegration } from './bitbucket-cloud/index.js';
export type { BitbucketHttp } from './bitbucket-common/http.js';
export { createBitbucketServerIntegration, isBitbucketServerIntegration } from './bitbucket-server/index.js';
export type { BitbucketServerIntegration } from './bitbucket-server/index.js';
export { createGitIntegration, isGitIntegration } from './git/index.js';
export type { GitIntegration } from './git/index.js';
export { createGiteaIntegration } from './gitea/index.js';
export { createGithubIntegration } from './github/index.js';
export { createGitlabIntegration } from './gitlab/index.js';
export { basicAuthorization, pushDirectory, runGit } from './git-cli/index.js';
export type { GitRunOptions, PushDirectoryOptions } from './git-cli/index.js';
export { parseRepoUrl } from './repo-url.js';
export type { ParsedRepoUrl } from './repo-url.js';
export {
  githubPushPayloadSchema,
  gitlabPushPayloadSchema,
  parseGithubPushEvent,
  parseGitlabPushEvent,
  verifyGithubSignature,
  verifyGitlabToken,
  webhookSecrets,
  webhookSecretsFromConfig,
} from './webhooks/index.js';
export type {
  GithubPushPayload,
  GitlabPushPayload,
  PushEvent,
  VerifyGithubSignatureOptions,
  VerifyGitlabTokenOptions,
  WebhookSecrets,
} from './webhooks/index.js';
