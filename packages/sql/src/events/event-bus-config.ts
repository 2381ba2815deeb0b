import { createEventBus, type EventBus, type Logger, readConfigSection } from '@portalkit/core';
import { z } from 'zod';
import { createPgEventBus } from './pg-event-bus.js';

const positive = z.number().int().positive().max(2 ** 31 - 1);

/**
 * The `events` section of an app-config: which bus the portal's plugins share.
 * `store: memory` (the default) keeps events inside the process; `store: postgres` shares them
 * with every process on the same database (see {@link createPgEventBus}).
 *
 * @example
 * ```ts
 * eventsConfigSchema.parse({ store: 'postgres', connection: 'postgres://127.0.0.1/portal', consumer: 'portal-1' });
 * ```
 */
export const eventsConfigSchema = z
  .object({
    store: z.enum(['memory', 'postgres']).default('memory'),
    /** A connection string (PostgreSQL only). */
    connection: z.string().min(1).optional(),
    schema: z.string().optional(),
    consumer: z.string().min(1).max(200).optional(),
    pollIntervalMs: positive.optional(),
    retentionMs: positive.optional(),
    // Backstage's events-backend keys: accepted, so a Backstage app-config loads, and reported.
    http: z.unknown().optional(),
    modules: z.unknown().optional(),
    useEventBus: z.unknown().optional(),
  })
  .strict()
  .default({ store: 'memory' })
  .superRefine((value, ctx) => {
    if (value.store === 'postgres' && !value.connection) ctx.addIssue({ code: 'custom', path: ['connection'], message: 'store: postgres needs a connection string' });
    if (value.store === 'memory' && value.connection) ctx.addIssue({ code: 'custom', path: ['store'], message: 'a connection is given but store is memory; set store: postgres' });
  });

/**
 * The parsed `events` section.
 * @example
 * ```ts
 * const section: EventsConfig = eventsConfigSchema.parse({});
 * ```
 */
export type EventsConfig = z.output<typeof eventsConfigSchema>;

/**
 * The event bus an app-config's `events` section asks for, to hand to `createPortal`. Errors
 * name the file and line of the bad key.
 *
 * ```yaml
 * events:
 *   store: postgres
 *   connection: ${DATABASE_URL}
 *   consumer: portal-a   # this process's durable name: it catches up after a restart
 * ```
 *
 * @example
 * ```ts
 * const config = await loadConfig(['app-config.yaml']);
 * const portal = createPortal({ config, plugins, events: eventBusFromConfig(config, { logger }) });
 * ```
 */
const ignored: Record<string, string> = {
  http: 'portalkit has no HTTP event ingress; source-host webhooks are served by the catalog (see docs/integrations/webhooks.md)',
  modules: "Backstage's events modules (Pub/Sub, SQS, Kafka) are not part of portalkit",
  useEventBus: 'the bus is chosen by `store` (memory or postgres)',
};

export function eventBusFromConfig(config: unknown, options: { logger?: Logger } = {}): EventBus<Record<string, unknown>> {
  const section = readConfigSection(config, 'events', eventsConfigSchema, { logger: options.logger, ignored });
  if (section.store === 'memory') {
    const logger = options.logger;
    return createEventBus({ onError: (error, topic) => logger?.error('event subscriber failed', { topic, error }) });
  }
  return createPgEventBus({
    connectionString: section.connection,
    schema: section.schema,
    consumer: section.consumer,
    pollIntervalMs: section.pollIntervalMs,
    retentionMs: section.retentionMs,
    logger: options.logger,
  });
}
