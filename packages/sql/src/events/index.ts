export { createPgEventBus } from './pg-event-bus.js';
export type { PgEventBus, PgEventBusOptions } from './pg-event-bus.js';
export type { PgEventBusTiming } from './timing.js';
export { eventBusFromConfig, eventsConfigSchema } from './event-bus-config.js';
export type { EventsConfig } from './event-bus-config.js';
