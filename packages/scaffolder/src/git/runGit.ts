// The hardened git runner lives in @portalkit/integrations, which the host readers share.
export { runGit } from '@portalkit/integrations';
export type { GitRunOptions } from '@portalkit/integrations';
