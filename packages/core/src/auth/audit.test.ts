import { describe, expect, it } from 'vitest';
import { type AuditEvent, createLogger, createLoggerAuditSink, memorySink } from '../index.js';

describe('createLoggerAuditSink', () => {
  it('writes each event at info as "audit", with the logger\'s redaction', async () => {
    const logs = memorySink();
    const sink = createLoggerAuditSink(createLogger({ sink: logs, level: 'warn', secrets: ['s3cr3t-value'] }));
    const event: AuditEvent = {
      time: '2026-12-07T10:00:00.000Z',
      plugin: 'catalog',
      action: 'catalog.location.create',
      actor: { type: 'service', subject: 'ci' },
      target: 'url:https://example.com/catalog-info.yaml?token=s3cr3t-value',
      outcome: 'success',
    };
    await sink(event);
    // Below the logger's level nothing is written: audit at info follows the logger's settings.
    expect(logs.records).toEqual([]);
    const infoLogs = memorySink();
    await createLoggerAuditSink(createLogger({ sink: infoLogs, secrets: ['s3cr3t-value'] }))(event);
    expect(infoLogs.records).toHaveLength(1);
    expect(infoLogs.records[0]).toMatchObject({ level: 'info', message: 'audit', fields: { action: 'catalog.location.create', outcome: 'success' } });
    expect(JSON.stringify(infoLogs.records)).not.toContain('s3cr3t-value');
  });
});
