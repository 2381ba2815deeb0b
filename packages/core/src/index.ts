export {
  AuthenticationError,
  ConflictError,
  CustomErrorBase,
  InputError,
  MissingDependencyError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PayloadTooLargeError,
  RequestBodyUnavailableError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  errorStatusCode,
  getResponseError,
  isError,
  isPortalkitError,
  serializeError,
  toErrorResponseBody,
  toHttpResponse,
} from './errors.js';
export type { ErrorOptions, ErrorResponseBody, SerializedError } from './errors.js';
export { createEventBus, publishEach } from './events.js';
export type { EventBus, EventBusOptions, EventOf } from './events.js';
export { consoleSink, createLogger, memorySink, redactSecrets } from './logger.js';
export type { LogLevel, LogRecord, LogSink, Logger, LoggerOptions } from './logger.js';
export { createFileReader, createHttpReader, createUrlReader, findInternalAddress, isInternalAddress } from './readers/index.js';
export type {
  FileReaderOptions,
  HttpAllowRule,
  HttpReaderOptions,
  ReadOptions,
  ReadResponse,
  ReadTreeResponse,
  SearchResponse,
  TreeFile,
  UrlReader,
  UrlReaderOptions,
} from './readers/index.js';
export type { Handler } from './handler.js';
export type { PortalContext, PortalPlugin } from './plugin.js';
export { loadConfig } from './config/index.js';
export { readConfigValue } from './config/read-value.js';
export { configDir, readConfigSection } from './config/section.js';
export type { ReadConfigSectionOptions } from './config/section.js';
export type { AnyConfigSchema, LoadConfigOptions } from './config/index.js';
export { createServiceRef, createServiceRegistry } from './services.js';
export type { PortalServices, ServiceRef } from './services.js';
export { locateYamlPath, parseYamlDocuments } from './yaml.js';
export type { ParseYamlOptions, YamlDocument } from './yaml.js';
export { createScheduler } from './scheduler.js';
export type { ScheduledTask, Scheduler, SchedulerOptions } from './scheduler.js';
export type { SchedulerLock } from './scheduler-lock.js';
export {
  createRouter,
  eventStreamResponse,
  getQueryArray,
  mountHandlers,
  readJsonBody,
  requestHandler,
  toFastifyPlugin,
  toNodeHandler,
} from './router/index.js';
export type {
  EventStreamOptions,
  FastifyLikeInstance,
  Mount,
  NodeHandlerOptions,
  NodeRequestListener,
  ReadJsonBodyOptions,
  RouteContext,
  RouteHandler,
  Router,
  RouterOptions,
  SendServerSentEvent,
} from './router/index.js';
export { mapLimit } from './concurrency.js';
export { readLimitedBody } from './limited-body.js';
export type { ReadLimitedBodyOptions } from './limited-body.js';
export { isPathInside, realpathOfExistingAncestor } from './paths.js';
export { hasLoneSurrogate, toStorableText } from './storable-text.js';
export type { HealthOptions } from './health.js';
export { createMetrics } from './metrics.js';
export type { MetricCounter, MetricDefinition, MetricHistogram, Metrics } from './metrics.js';
export { createPortal } from './portal.js';
export type { Portal, PortalOptions } from './portal.js';
export type { PortalServer } from './listen.js';
export {
  PermissionRuleError,
  PrincipalMappingError,
  anonymousPrincipal,
  applyConditions,
  auditEventSchema,
  composeIdentifiers,
  conditionsToQuery,
  createConditionFactory,
  createJwtIdentifier,
  createLoggerAuditSink,
  createPermission,
  createPermissionRule,
  createPolicy,
  createPortalAuth,
  createStaticTokenIdentifier,
  hostPrincipal,
  isAllOf,
  isAnyOf,
  isNot,
  principalSchema,
  redactCredentials,
  scopesAllow,
  validateConditions,
} from './auth/index.js';
export type {
  AuditEvent,
  AuditRecord,
  AuditSink,
  Identify,
  JwtIdentifierOptions,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PermissionPolicy,
  PermissionRule,
  PolicyDecision,
  PolicyOptions,
  PolicyStatement,
  PortalAuth,
  PortalAuthOptions,
  Principal,
  StaticTokenIdentifierOptions,
  TokenIdentifier,
} from './auth/index.js';
