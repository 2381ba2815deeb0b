// A local GitHub for tests: REST API validated against @octokit/openapi's description, git smart
// HTTP backed by real bare repositories, archives through a codeload-like second origin.
export { canRead, canWrite } from './auth.js';
export type { ContractApp } from './auth.js';
export { gitBuffer, gitText, listTree, resolveCommit } from './git.js';
export type { TreeEntry } from './git.js';
export { branchJson, commitJson, fullRepository, githubTime, installationJson, simpleUser } from './json.js';
export type { CommitInfo, ContractAccount, ContractInstallation, ContractRepo, UrlBases } from './json.js';
export { ContractViolation, findOperation, validateRequestBody, validateResponse } from './openapi.js';
export { basicError, rateLimitExceeded, secondaryRateLimit } from './responses.js';
export { paginate } from './routes-apps.js';
export { ContractHttpError } from './router.js';
export type { ContractHandler, ContractMiddleware, ContractRequest, ContractResponse, Principal, RouteOrigin } from './router.js';
export { startGithubContractServer } from './server.js';
export type { GithubContractServer, GithubContractServerOptions } from './server.js';
