import { z } from 'zod';

const units = { years: 365 * 86_400_000, months: 30 * 86_400_000, weeks: 7 * 86_400_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;

/** `PT30M`, `P1D`, `PT1H30M`, `PT0.5S`, `P2W` (ISO 8601 durations, as Backstage's config takes them). */
function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, m, s] = match;
  return Number(w ?? 0) * units.weeks + Number(d ?? 0) * units.days + Number(h ?? 0) * units.hours + Number(m ?? 0) * units.minutes + Number(s ?? 0) * 1000;
}

const humanDuration = z
  .strictObject(Object.fromEntries(Object.keys(units).map((unit) => [unit, z.number().nonnegative().optional()])) as Record<keyof typeof units, z.ZodOptional<z.ZodNumber>>)
  .refine((value) => Object.values(value).some((n) => n !== undefined), 'a duration needs at least one of years, months, weeks, days, hours, minutes, seconds, milliseconds');

/**
 * A duration in Backstage's config shapes, as milliseconds: an ISO 8601 string (`PT30M`) or
 * an object of units (`{ minutes: 30 }`).
 * @example
 * ```ts
 * durationConfigSchema.parse('PT1H'); // 3600000
 * durationConfigSchema.parse({ minutes: 30 }); // 1800000
 * ```
 */
export const durationConfigSchema = z.unknown().transform((value, ctx): number => {
  // One schema per shape, so a bad value gets that shape's reason rather than "Invalid input".
  if (typeof value === 'string') {
    const ms = parseIsoDuration(value);
    if (ms !== undefined) return ms;
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an ISO 8601 duration like PT30M (cron expressions are not supported)` });
    return z.NEVER;
  }
  const parsed = humanDuration.safeParse(value);
  if (parsed.success) return Object.entries(parsed.data).reduce((ms, [unit, n]) => ms + (n ?? 0) * units[unit as keyof typeof units], 0);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'a duration: an ISO 8601 string like PT30M or units like { minutes: 30 }' });
  } else {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});

/**
 * A provider's `schedule` in Backstage's shape (`frequency`, `timeout`, `initialDelay`, as ISO
 * durations or `{ minutes: 30 }`), each duration turned into milliseconds. portalkit runs a
 * provider on start and then every `frequency`; `timeout`, `initialDelay` and `scope` are
 * accepted and reported as ignored.
 * @example
 * ```ts
 * providerScheduleConfigSchema.parse({ frequency: { minutes: 30 }, timeout: 'PT3M' }); // { frequency: 1800000, timeout: 180000 }
 * ```
 */
export const providerScheduleConfigSchema = z.object({
  frequency: durationConfigSchema,
  timeout: durationConfigSchema.optional(),
  initialDelay: durationConfigSchema.optional(),
  scope: z.enum(['global', 'local']).optional(),
});

/**
 * A parsed provider schedule (durations in milliseconds).
 * @example
 * ```ts
 * const schedule: ProviderSchedule = { frequency: 30 * 60_000 };
 * ```
 */
export type ProviderSchedule = z.output<typeof providerScheduleConfigSchema>;
