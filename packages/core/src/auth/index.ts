export { auditEventSchema, createLoggerAuditSink } from './audit.js';
export type { AuditEvent, AuditSink } from './audit.js';
export {
  PrincipalMappingError,
  composeIdentifiers,
  createJwtIdentifier,
  createStaticTokenIdentifier,
} from './identifiers/index.js';
export type { JwtIdentifierOptions, StaticTokenIdentifierOptions, TokenIdentifier } from './identifiers/index.js';
export { createPermission, isAllOf, isAnyOf, isNot } from './permission.js';
export type {
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PermissionPolicy,
  PolicyDecision,
} from './permission.js';
export { createPolicy } from './policy.js';
export type { PolicyOptions, PolicyStatement } from './policy.js';
export { createPortalAuth } from './portal-auth.js';
export { redactCredentials } from './redact-credentials.js';
export type { AuditRecord, PortalAuth, PortalAuthOptions } from './portal-auth.js';
export { anonymousPrincipal, hostPrincipal, principalSchema, scopesAllow } from './principal.js';
export type { Identify, Principal } from './principal.js';
export {
  PermissionRuleError,
  applyConditions,
  conditionsToQuery,
  createConditionFactory,
  createPermissionRule,
  validateConditions,
} from './rules.js';
export type { PermissionRule } from './rules.js';
