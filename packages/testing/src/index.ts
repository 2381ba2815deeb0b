/*
 * @portalkit/testing: unit-test processors, actions and templates against a real catalog and
 * scaffolder, in memory, with any test runner.
 */
export { createTestPortal } from './test-portal.js';
export type { TemplateRun, TestPortal, TestPortalOptions } from './test-portal.js';
