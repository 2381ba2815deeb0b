import type { PolicyDecision, SerializedError } from '@portalkit/core';
import type { JsonObject, SealedSecrets, TaskCreator, TaskEvent, TaskRecord, TaskResumeMode, TaskSpec, TaskState, TaskStatus } from '../../types.js';

// The tables' rows and their mapping to the store's records (see migrations.ts).

export interface TaskRow {
  id: string;
  spec: TaskSpec;
  status: TaskStatus;
  created_at: Date;
  created_by: string | null;
  claimed_by: string | null;
  lease_expires_at: Date | null;
  last_heartbeat_at: Date | null;
  cancel_requested: boolean;
  completed_at: Date | null;
  output: JsonObject | null;
  error: SerializedError | null;
  action_decision: PolicyDecision | null;
  creator: TaskCreator | null;
  state: TaskState | null;
  resume_mode: TaskResumeMode | null;
  recoveries: number;
  sealed_secrets: SealedSecrets | null;
}

export interface EventRow {
  id: string;
  task_id: string;
  type: TaskEvent['type'];
  body: TaskEvent['body'];
  created_at: Date;
}

export function toRecord(row: TaskRow): TaskRecord {
  const record: TaskRecord = {
    id: row.id,
    spec: row.spec,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    cancelRequested: row.cancel_requested,
  };
  if (row.created_by !== null) record.createdBy = row.created_by;
  if (row.claimed_by !== null) record.claimedBy = row.claimed_by;
  if (row.lease_expires_at) record.leaseExpiresAt = row.lease_expires_at.toISOString();
  if (row.last_heartbeat_at) record.lastHeartbeatAt = row.last_heartbeat_at.toISOString();
  if (row.completed_at) record.completedAt = row.completed_at.toISOString();
  if (row.output !== null) record.output = row.output;
  if (row.error !== null) record.error = row.error;
  if (row.action_decision !== null) record.actionDecision = row.action_decision;
  if (row.creator !== null && row.creator !== undefined) record.creator = row.creator;
  if (row.state) record.state = row.state;
  if (row.resume_mode) record.resumeMode = row.resume_mode;
  if (row.recoveries) record.recoveries = row.recoveries;
  if (row.sealed_secrets) record.sealedSecrets = row.sealed_secrets;
  return record;
}

export function toEvent(row: EventRow): TaskEvent {
  return { id: Number(row.id), taskId: row.task_id, type: row.type, body: row.body, createdAt: row.created_at.toISOString() };
}
