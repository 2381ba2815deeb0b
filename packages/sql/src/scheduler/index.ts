export { createSqlSchedulerLock } from './sql-scheduler-lock.js';
export type { SqlSchedulerLockOptions } from './sql-scheduler-lock.js';
