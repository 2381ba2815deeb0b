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
export { integrationsFromConfig, integrationsServiceRef, portalIntegrations } from './from-config.js';
export { resolveDirectoryUrl } from './directory-url.js';
export type { IntegrationsOptions, ScmIntegrations } from './integrations.js';
export { createTreeResponse, DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, readTarArchive, readZipArchive, safeTreePath } from './tree/index.js';
export type { TarArchiveOptions, ZipArchiveOptions } from './tree/index.js';
export type { ScmIntegration, ScmIntegrationType, ScmLocation, TreeLimits } from './types.js';
export { createAzureIntegration, isAzureIntegration } from './azure/index.js';
export type { AzureIntegration } from './azure/index.js';
export type { AzureClient, AzureRepoRef, AzureVersion } from './azure/client.js';
export type { AzureLocation } from './azure/url.js';
export type { GitCommitRef as AzureGitCommitRef, GitItem as AzureGitItem, GitRepository as AzureGitRepository } from './azure/api-types.js';
export { createBitbucketCloudIntegration, isBitbucketCloudIntegration } from './bitbucket-cloud/index.js';
export type { BitbucketCloudIntegration } from './bitbucket-cloud/index.js';
export type { BitbucketHttp } from './bitbucket-common/http.js';
export { createBitbucketServerIntegration, isBitbucketServerIntegration } from './bitbucket-server/index.js';
export type { BitbucketServerIntegration } from './bitbucket-server/index.js';
export { createGitIntegration, isGitIntegration } from './git/index.js';
export type { GitIntegration } from './git/index.js';
export { createGiteaIntegration, isGiteaIntegration } from './gitea/index.js';
export type { GiteaIntegration } from './gitea/index.js';
export type { GiteaClient } from './gitea/client.js';
export { createGithubIntegration, isGithubIntegration } from './github/index.js';
export type { GithubCredentials, GithubIntegration } from './github/index.js';
export { createGitlabIntegration, isGitlabIntegration } from './gitlab/index.js';
export type { GitlabIntegration } from './gitlab/index.js';
export { basicAuthorization, pushDirectory, runGit } from './git-cli/index.js';
export type { GitRunOptions, PushDirectoryOptions } from './git-cli/index.js';
export { githubApiError, githubClientFor, githubIntegrationFor } from './github-api.js';
export { openGithubFilePullRequest } from './github/file-pull-request.js';
export type { GithubFilePullRequest, GithubFilePullRequestOptions } from './github/file-pull-request.js';
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
