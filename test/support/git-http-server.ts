// The real git server moved to @portalkit/testing (`startGitServer`); these names stay for tests.
export { startGitServer as startGitHttpServer } from '@portalkit/testing';
export type { GitServer as GitHttpServer, GitServerOptions as GitHttpServerOptions } from '@portalkit/testing';
