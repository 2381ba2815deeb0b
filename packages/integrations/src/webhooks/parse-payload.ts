import { InputError } from '@portalkit/core';
import type { z } from 'zod';

/** `schema.parse(payload)`, with every problem in one `InputError` naming its key path. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10).map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`);
  throw new InputError(`invalid ${what} payload: ${issues.join('; ')}`);
}
