import { describe, expect, it } from 'vitest';
import { durationConfigSchema, providerScheduleConfigSchema } from '../index.js';

describe('Backstage schedule config', () => {
  it('reads ISO 8601 durations and unit objects as milliseconds', () => {
    expect(durationConfigSchema.parse('PT30M')).toBe(1_800_000);
    expect(durationConfigSchema.parse('P1DT1H')).toBe(90_000_000);
    expect(durationConfigSchema.parse('PT0.5S')).toBe(500);
    expect(durationConfigSchema.parse({ minutes: 1, seconds: 30 })).toBe(90_000);
    expect(providerScheduleConfigSchema.parse({ frequency: { hours: 1 }, timeout: 'PT3M' })).toEqual({ frequency: 3_600_000, timeout: 180_000 });
  });

  it('refuses cron expressions, empty durations and unknown units with a reason', () => {
    const message = (value: unknown) => {
      const result = durationConfigSchema.safeParse(value);
      return result.success ? 'parsed' : result.error.issues.map((i) => i.message).join('; ');
    };
    expect(message('*/5 * * * *')).toContain('cron expressions are not supported');
    expect(message('P')).toContain('not an ISO 8601 duration');
    expect(message('PT')).toContain('not an ISO 8601 duration');
    expect(message({})).not.toBe('parsed');
    expect(message({ fortnights: 2 })).not.toBe('parsed');
    expect(providerScheduleConfigSchema.safeParse({ frequency: { cron: '0 * * * *' } }).success).toBe(false);
  });
});
