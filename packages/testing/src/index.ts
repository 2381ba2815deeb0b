/*
 * @portalkit/testing: unit-test processors, actions and templates against a real catalog and
 * scaffolder, in memory, with any test runner.
 */
export { createTestPortal } from './test-portal.js';
export type { TemplateRun, TestPortal, TestPortalOptions } from './test-portal.js';
export { startGitServer } from './git-server.js';
export type { GitServer, GitServerOptions } from './git-server.js';
