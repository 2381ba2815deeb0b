import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceUnavailableError } from './errors.js';
import type { Handler } from './handler.js';
import type { Logger } from './logger.js';
import { toNodeHandler } from './router/node.js';

/**
 * A running HTTP server opened by {@link Portal.listen}.
 * @example
 * ```ts
 * const server: PortalServer = await portal.listen({ port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export interface PortalServer {
  /** e.g. `http://127.0.0.1:7007`. */
  url: string;
  /** Stop accepting connections and close open ones (including event streams). */
  close(): Promise<void>;
}

/**
 * Serve `fetch` with `node:http` on `host:port` (`port: 0` picks a free one). A port that cannot
 * be bound is a `ServiceUnavailableError`; later server errors are logged.
 *
 * @example
 * ```ts
 * const server = await listenNode(portal.fetch, { port: 0, host: '127.0.0.1', logger, onClose: () => {} });
 * await server.close();
 * ```
 */
export async function listenNode(
  fetch: Handler,
  options: { port: number; host: string; logger: Logger; onClose(server: PortalServer): void },
): Promise<PortalServer> {
  const { port, host, logger } = options;
  const server = createServer(toNodeHandler(fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ServiceUnavailableError(`cannot listen on ${host}:${port}`, { cause: error })));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      server.on('error', (error) => logger.error('portal server error', { error }));
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const handle: PortalServer = {
    url: `http://${urlHost}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        options.onClose(handle);
        server.close(() => resolve());
        // Open event streams would keep close() waiting forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
  logger.info('portal listening', { url: handle.url });
  return handle;
}
