/**
 * A web-standard HTTP handler, the shape every portalkit package serves:
 * Hono's `app.fetch`, Next route handlers and Deno/Bun servers all speak it.
 *
 * @example
 * ```ts
 * const hello: Handler = async () => new Response('hi');
 * ```
 */
export type Handler = (request: Request) => Promise<Response>;
