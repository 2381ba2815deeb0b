export { createGitlabIntegration, isGitlabIntegration } from './integration.js';
export type { GitlabIntegration } from './integration.js';
