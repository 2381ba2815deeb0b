import { randomUUID } from 'node:crypto';
import { isError, NotAllowedError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { type AuditEvent, type AuditSink, createLoggerAuditSink } from './audit.js';
import type { Permission, PermissionPolicy, PolicyDecision } from './permission.js';
import { type Identify, type Principal, anonymousPrincipal, scopesAllow } from './principal.js';
import { redactCredentials } from './redact-credentials.js';
import { applyConditions, checkCriteriaShape, type PermissionRule, validateConditions } from './rules.js';

/**
 * How a portal knows who asks and what they may do. Without options it identifies every request
 * as anonymous and allows everything: right for a trusted internal tool, wrong for anything that
 * untrusted people can reach (see docs/permissions.md).
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ identify: createStaticTokenIdentifier({ tokens }), policy });
 * ```
 */
export interface PortalAuthOptions {
  /** Default: every request is the anonymous principal. */
  identify?: Identify;
  /** Default: allow everything. */
  policy?: PermissionPolicy;
  /** Default: one sink writing each event to the logger at `info` with message `audit`. */
  audit?: AuditSink | readonly AuditSink[];
  logger?: Logger;
}

/**
 * What a package records about one mutation; {@link PortalAuth.audit} adds the time, the actor
 * from `principal` and the request id from `request`.
 *
 * @example
 * ```ts
 * await auth.audit({ plugin: 'catalog', action: 'catalog.location.delete', target: 'location:1', outcome: 'success', principal });
 * ```
 */
export interface AuditRecord {
  plugin: string;
  action: string;
  target: string;
  outcome: AuditEvent['outcome'];
  principal: Principal;
  request?: Request;
  error?: unknown;
  meta?: Record<string, unknown>;
}

/**
 * The portal's identity, policy and audit, shared by every package.
 *
 * @example
 * ```ts
 * const principal = await auth.identify(request);
 * const decision = await auth.authorize(principal, catalogEntityReadPermission);
 * ```
 */
export interface PortalAuth {
  /** Whether a policy was given (else everything is allowed). */
  readonly hasPolicy: boolean;
  /** The request's principal; computed once per request object. Bad credentials: AuthenticationError. */
  identify(request: Request): Promise<Principal>;
  /**
   * The request's id: the client's `x-request-id` header when well-formed (1-128 of letters,
   * digits, `_.:-`), else a new UUID; stable per request object. Correlation only: the client
   * chooses it, so it proves nothing.
   */
  requestId(request: Request): string;
  /** The policy's decision. Never throws: a throwing or malformed policy is a logged DENY. */
  authorize(principal: Principal, permission: Permission): Promise<PolicyDecision>;
  /** Allow or deny one resource, applying a conditional decision with `rules` (unknown rule: deny, logged). */
  authorizeResource<TResource>(
    principal: Principal,
    permission: Permission,
    resource: TResource,
    rules: readonly PermissionRule<TResource, unknown, any>[],
  ): Promise<boolean>;
  /** Throw NotAllowedError unless the decision (for a basic permission) is ALLOW. */
  assertAllowed(principal: Principal, permission: Permission): Promise<void>;
  /**
   * Record one audit event to every sink; sink failures are logged, never thrown. Credentials in
   * URLs within `target`, `error` and `meta` strings are masked first (see `redactCredentials`).
   */
  audit(record: AuditRecord): Promise<void>;
}

/**
 * Create the portal's {@link PortalAuth}.
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ policy: (p) => (p.type === 'anonymous' ? { result: 'DENY' } : { result: 'ALLOW' }) });
 * ```
 */
export function createPortalAuth(options: PortalAuthOptions = {}): PortalAuth {
  const logger = options.logger ?? createLogger();
  const identify = options.identify ?? (() => anonymousPrincipal());
  const policy = options.policy;
  const sinks: readonly AuditSink[] =
    options.audit === undefined
      ? [createLoggerAuditSink(logger)]
      : Array.isArray(options.audit)
        ? options.audit
        : [options.audit as AuditSink];
  const principals = new WeakMap<Request, Promise<Principal>>();
  const requestIds = new WeakMap<Request, string>();

  const requestId = (request: Request): string => {
    let id = requestIds.get(request);
    if (id === undefined) {
      const given = request.headers.get('x-request-id');
      id = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
      requestIds.set(request, id);
    }
    return id;
  };

  const authorize = async (principal: Principal, permission: Permission): Promise<PolicyDecision> => {
    if (!scopesAllow(principal, permission.name)) return { result: 'DENY' };
    if (!policy) return { result: 'ALLOW' };
    try {
      const decision = await policy(principal, permission);
      return checkDecision(decision, permission);
    } catch (error) {
      logger.error('permission policy failed; denying', { permission: permission.name, error });
      return { result: 'DENY' };
    }
  };

  const checkDecision = (decision: PolicyDecision, permission: Permission): PolicyDecision => {
    const result = (decision as { result?: unknown } | undefined)?.result;
    if (result === 'ALLOW' || result === 'DENY') return { result };
    if (result === 'CONDITIONAL' && decision.result === 'CONDITIONAL') {
      if (!permission.resourceType || decision.resourceType !== permission.resourceType) {
        logger.error('permission policy returned conditions for the wrong resource type; denying', {
          permission: permission.name,
          resourceType: decision.resourceType,
        });
        return { result: 'DENY' };
      }
      try {
        const conditions = checkCriteriaShape(decision.conditions, permission.resourceType);
        return { result, resourceType: permission.resourceType, conditions };
      } catch (error) {
        logger.error('permission policy returned malformed conditions; denying', { permission: permission.name, error });
        return { result: 'DENY' };
      }
    }
    logger.error('permission policy returned no decision; denying', { permission: permission.name });
    return { result: 'DENY' };
  };

  return {
    hasPolicy: policy !== undefined,
    identify(request) {
      let principal = principals.get(request);
      if (!principal) {
        principal = Promise.resolve().then(() => identify(request));
        principals.set(request, principal);
      }
      return principal;
    },
    requestId,
    authorize,
    async authorizeResource(principal, permission, resource, rules) {
      const decision = await authorize(principal, permission);
      if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
      try {
        // Validate the whole tree first: applying stops at the first deciding branch, so
        // `anyOf: [allOf: [], <unknown rule>]` would otherwise allow past a broken rule.
        validateConditions(decision.conditions, rules);
        return applyConditions(decision.conditions, resource, rules);
      } catch (error) {
        logger.error('permission conditions could not be applied; denying', { permission: permission.name, error });
        return false;
      }
    },
    async assertAllowed(principal, permission) {
      const decision = await authorize(principal, permission);
      if (decision.result !== 'ALLOW') throw new NotAllowedError(`Not allowed: ${permission.name}`);
    },
    async audit(record) {
      const event: AuditEvent = {
        time: new Date().toISOString(),
        plugin: record.plugin,
        action: record.action,
        actor: { type: record.principal.type, subject: record.principal.subject },
        // Credentials in URLs (userinfo, `?token=`) are masked here, before any sink sees them.
        target: redactCredentials(String(record.target)),
        outcome: record.outcome,
        ...(record.request ? { requestId: requestId(record.request) } : {}),
        ...(record.error !== undefined ? { error: redactCredentials(describeError(record.error)) } : {}),
        ...(record.meta ? { meta: redactCredentials(record.meta) } : {}),
      };
      for (const sink of sinks) {
        try {
          await sink(event);
        } catch (error) {
          logger.error('audit sink failed', { action: event.action, error });
        }
      }
    },
  };
}

function describeError(error: unknown): string {
  return isError(error) ? `${error.name}: ${error.message}` : String(error);
}
