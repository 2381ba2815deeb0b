export { createSqlAuditLog } from './sql-audit-log.js';
export type { AuditQuery, SqlAuditLog, SqlAuditLogOptions, StoredAuditEvent } from './sql-audit-log.js';
