import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../handler.js';
import { type NodeHandlerOptions, serveNode } from './node.js';

/**
 * The parts of a Fastify instance {@link toFastifyPlugin} uses, so core depends on no Fastify.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * const app: FastifyLikeInstance = Fastify();
 * ```
 */
export interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    parser: (request: unknown, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  all(path: string, handler: (request: { raw: IncomingMessage; body?: unknown }, reply: { raw: ServerResponse; hijack(): void }) => Promise<void>): void;
}

/**
 * A Fastify plugin serving a web-standard {@link Handler} (e.g. `portal.fetch`) for every path
 * and method under the prefix it is registered with. The handler sees the full path, and the
 * client's exact body bytes: inside the plugin, Fastify's body parsers are replaced by one that
 * leaves the stream unread, so portalkit applies its own limits and checks (JSON works out of the
 * box, whatever parsers the rest of the app uses). Every 5xx and thrown error reaches `onError`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * const app = Fastify();
 * await app.register(toFastifyPlugin(portal.fetch, { onError: (error) => app.log.error(error) }), { prefix: '/api' });
 * await app.listen({ port: 7007 });
 * ```
 */
export function toFastifyPlugin(handler: Handler, options: NodeHandlerOptions = {}): (instance: FastifyLikeInstance) => Promise<void> {
  // A plain async plugin: Fastify encapsulates it, so the parser change stays inside the prefix.
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const route = async (request: { raw: IncomingMessage; body?: unknown }, reply: { raw: ServerResponse; hijack(): void }) => {
      reply.hijack(); // the response is written to the raw socket, not by Fastify
      await serveNode(handler, options, request.raw, reply.raw, { body: request.body });
    };
    instance.all('/', route);
    instance.all('/*', route);
  };
}
