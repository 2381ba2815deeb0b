import type { z } from 'zod';
import { InputError, UnsupportedMediaTypeError } from '../errors.js';
import { readLimitedBody } from '../limited-body.js';
import { isJsonContentType } from './content-type.js';

/**
 * Options of {@link readJsonBody}.
 * @example
 * ```ts
 * await readJsonBody(request, { maxBytes: 64 * 1024, schema: z.object({ name: z.string() }) });
 * ```
 */
export interface ReadJsonBodyOptions<T> {
  /** Largest body accepted; default 1 MiB. Larger bodies are a `PayloadTooLargeError`. */
  maxBytes?: number;
  /** Validate the parsed body; failures are `InputError`s naming the key path. */
  schema?: z.ZodType<T>;
}

/**
 * Read a request body as JSON, stopping at `maxBytes` without buffering the rest.
 * A `Content-Type` other than `application/json` (or `application/*+json`) is an
 * `UnsupportedMediaTypeError` (HTTP 415), so a cross-site form or `text/plain` post is never
 * read. Missing or malformed JSON, invalid UTF-8, NUL in any string, and a `__proto__`,
 * `constructor` or `prototype` key at any depth, are an `InputError` (HTTP 400).
 *
 * @example
 * ```ts
 * const body = await readJsonBody(request, {
 *   maxBytes: 64 * 1024,
 *   schema: z.object({ type: z.string(), target: z.string() }),
 * });
 * body.target;
 * ```
 */
export async function readJsonBody<T = unknown>(request: Request, options: ReadJsonBodyOptions<T> = {}): Promise<T> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const contentType = request.headers.get('content-type');
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `request body must be application/json, got ${contentType === null ? 'no content type' : JSON.stringify(contentType.slice(0, 100))}`,
    );
  }
  const text = decodeUtf8(await readLimitedBody(request, { maxBytes, what: 'request body' }));
  if (text.trim() === '') throw new InputError('request body must be JSON, but it is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`request body is not valid JSON: ${(error as Error).message}`);
  }
  assertSafeJson(value);
  if (!options.schema) return value as T;
  const result = options.schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  throw new InputError(`invalid request body: ${issues.join('; ')}`);
}

/**
 * Keys that reach an object's prototype when code walks or merges a body by key (a predicate's
 * field path, a deep merge, `obj[a][b] = v`). `JSON.parse` keeps them as plain own keys, but
 * zod records and spreads drop or reinterpret `__proto__` (a predicate keyed `__proto__` became
 * "match everything"), so no body may carry them at any depth.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuse prototype keys, and NUL in any key or string (PostgreSQL rejects NUL in text, and no
 * request needs it). Walks the parsed body without recursion: a deeply nested body must not
 * overflow the stack.
 */
function assertSafeJson(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string' && next.includes('\0')) throw new InputError('request body must not contain a NUL character');
    if (typeof next !== 'object' || next === null) continue;
    if (Array.isArray(next)) {
      for (const item of next) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(next)) {
      if (PROTOTYPE_KEYS.has(key)) throw new InputError(`request body must not contain the key ${JSON.stringify(key)}`);
      stack.push(key, child);
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError('request body is not valid UTF-8');
  }
}

// Fatal: invalid UTF-8 is refused rather than silently replaced with U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });
