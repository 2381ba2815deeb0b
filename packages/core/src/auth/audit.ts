import type { Logger } from '../logger.js';
import { z } from 'zod';

/**
 * One audit record: who (`actor`) did what (`action`, a permission-style name such as
 * `catalog.location.create`) to what (`target`), and how it ended. Written for every mutation,
 * allowed or refused. `meta` holds non-secret detail; secrets never appear.
 *
 * @example
 * ```ts
 * const e: AuditEvent = {
 *   time: new Date().toISOString(), plugin: 'catalog', action: 'catalog.location.create',
 *   actor: { type: 'user', subject: 'user:default/jane' }, target: 'url:https://example.com/catalog-info.yaml',
 *   outcome: 'success', requestId: 'b7c…',
 * };
 * ```
 */
export const auditEventSchema = z.object({
  time: z.string(),
  plugin: z.string(),
  action: z.string(),
  actor: z.object({ type: z.enum(['user', 'service', 'anonymous']), subject: z.string() }),
  target: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  requestId: z.string().optional(),
  /** The error's name and message when `outcome` is not `success`. */
  error: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** See {@link auditEventSchema}. */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * Where audit events go: the logger, a PostgreSQL table, or a host function. A sink that throws
 * or rejects is logged; the mutation it records is not undone.
 *
 * @example
 * ```ts
 * const events: AuditEvent[] = [];
 * const sink: AuditSink = (event) => { events.push(event); };
 * ```
 */
export type AuditSink = (event: AuditEvent) => void | Promise<void>;

/**
 * The sink writing each event to `logger` at `info` with the message `audit` and the event's
 * fields (the logger's secret redaction applies). PortalAuth's default sink.
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ policy, audit: [createLoggerAuditSink(logger), auditLog.sink] });
 * ```
 */
export function createLoggerAuditSink(logger: Logger): AuditSink {
  return (event) => logger.info('audit', { ...event });
}
