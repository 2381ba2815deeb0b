import type { Handler } from '../handler.js';

/**
 * Call a handler without a server, like Hono's `app.request`: `path` is resolved against
 * `http://localhost` (a full URL is used as is).
 *
 * @example
 * ```ts
 * const res = await requestHandler(router.handler, '/api/catalog/entities?limit=1');
 * const created = await requestHandler(router.handler, '/api/things', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ a: 1 }),
 * });
 * ```
 */
export function requestHandler(handler: Handler, path: string, init?: RequestInit): Promise<Response> {
  return handler(new Request(new URL(path, 'http://localhost'), init));
}
