import type { z } from 'zod';
import { InputError, PayloadTooLargeError } from '../errors.js';

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
 * Missing or malformed JSON is an `InputError` (HTTP 400).
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
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new PayloadTooLargeError(`request body is larger than ${maxBytes} bytes`);
  }
  const text = await readLimitedText(request, maxBytes);
  if (text.trim() === '') throw new InputError('request body must be JSON, but it is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!options.schema) return value as T;
  const result = options.schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  throw new InputError(`invalid request body: ${issues.join('; ')}`);
}

async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(`request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
