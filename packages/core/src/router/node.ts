import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { InputError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';
import { assertCanonicalTarget } from './request-target.js';

/**
 * Options of {@link toNodeHandler}.
 * @example
 * ```ts
 * toNodeHandler(handler, { onError: (error) => logger.error('request failed', { error }) });
 * ```
 */
export interface NodeHandlerOptions {
  /** Told about errors the handler throws (it should not: routers answer errors themselves). */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * A `node:http` request listener.
 * @example
 * ```ts
 * const listener: NodeRequestListener = toNodeHandler(handler);
 * createServer(listener);
 * ```
 */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Adapt a web-standard {@link Handler} to `node:http`. Request bodies and response bodies are
 * streamed (server-sent events are flushed chunk by chunk), and a client that disconnects
 * aborts `request.signal`, so long-running handlers and event streams can stop.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeHandler(portal.fetch)).listen(7007);
 * ```
 */
export function toNodeHandler(handler: Handler, options: NodeHandlerOptions = {}): NodeRequestListener {
  return async (req, res) => {
    // A request listener's rejection would be unhandled and could take the process down, so
    // every failure ends here: an error response if nothing was sent yet, else a cut connection.
    try {
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      let request: Request;
      try {
        request = toRequest(req, controller.signal);
      } catch (error) {
        await writeResponse(toHttpResponse(error), res, req.method === 'HEAD', controller.signal);
        return;
      }
      let response: unknown;
      try {
        response = await handler(request);
        if (!(response instanceof Response)) throw new Error('the handler did not return a Response');
      } catch (error) {
        options.onError?.(error, request);
        response = toHttpResponse(error, request);
      }
      await writeResponse(response as Response, res, req.method === 'HEAD', controller.signal);
    } catch {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { name: 'Error', message: 'Internal server error' }, response: { statusCode: 500 } }));
      } else {
        res.destroy();
      }
    }
  };
}

const safeHost = /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const protocol = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  // The Host header is client input: anything odd must not change how the URL parses.
  const hostHeader = req.headers.host ?? '';
  const host = safeHost.test(hostHeader) ? hostHeader : 'localhost';
  const path = requestPath(req.url ?? '/');
  // The URL parser below resolves `..`, `%2e%2e` and `\` and drops a `#...` tail: check the raw
  // target first, so that no spelling is collapsed silently into another path.
  const queryAt = path.indexOf('?');
  assertCanonicalTarget(queryAt < 0 ? path : path.slice(0, queryAt), queryAt < 0 ? '' : path.slice(queryAt));
  const url = new URL(`${protocol}://${host}${path}`);

  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A header value the Fetch API rejects is dropped rather than failing the request.
    }
  }

  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * Origin-form path and query; absolute-form targets (`GET http://host/x`) keep only their raw
 * path and query (unparsed, so the canonical-path check sees what the client sent).
 */
function requestPath(target: string): string {
  if (target.startsWith('/')) return target;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (!absolute) throw new InputError('request target must be a path or an absolute URL');
  const rest = target.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

async function writeResponse(response: Response, res: ServerResponse, head: boolean, signal: AbortSignal) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);

  if (!response.body || head) {
    await response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  signal.addEventListener('abort', cancel, { once: true });
  // Event streams must reach the client as each event is written, not when a buffer fills.
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    res.socket?.setNoDelay(true);
    res.flushHeaders();
  }
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const onDone = () => {
            res.off('drain', onDone);
            res.off('close', onDone);
            resolve();
          };
          res.on('drain', onDone);
          res.on('close', onDone);
        });
      }
    }
    res.end();
  } catch {
    // The body stream failed mid-way; the status line is already sent, so cut the connection.
    res.destroy();
    cancel();
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
