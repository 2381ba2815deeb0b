/**
 * Which zod major made a schema, told apart by their internals: zod 4 (classic `zod@4`, and the
 * `zod/v4` subpath of zod 3.25 and zod 4) keeps its definition in `_zod`; zod 3 (`zod@3`, and the
 * `zod/v3` subpath) only has `_def`. The catalog compiles kind schemas from zod 4's `_zod.def`, so
 * a zod 3 schema would otherwise fail deep inside with "reading 'def'".
 */
export function zodMajorOf(schema: unknown): 3 | 4 | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  if ('_zod' in schema) return 4;
  if ('_def' in schema) return 3;
  return undefined;
}

/** The message for a schema of another zod major, shared by `defineKind` and the validator. */
export const ZOD3_SCHEMA_MESSAGE = "zod 3 schema: use zod 4 (`import { z } from 'zod'` with zod@4, or `zod/v4`)";

/**
 * Why `schema` cannot be a kind schema, or undefined when it can (a zod 4 schema).
 */
export function kindSchemaProblem(schema: unknown): string | undefined {
  const major = zodMajorOf(schema);
  if (major === 4 && typeof (schema as { safeParse?: unknown }).safeParse === 'function') return undefined;
  if (major === 3) return ZOD3_SCHEMA_MESSAGE;
  if (major === 4) return 'schema must be a zod 4 classic schema (`zod` or `zod/v4`); `zod/mini` schemas have no safeParse method';
  return 'schema must be a zod schema';
}
