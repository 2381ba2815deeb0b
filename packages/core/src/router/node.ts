import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { getResponseError, InputError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';
import { type FrameworkRequest, nodeRequestBody } from './node-body.js';
import { assertCanonicalTarget } from './request-target.js';

/**
 * Options of {@link toNodeHandler}.
 * @example
 * ```ts
 * toNodeHandler(handler, { onError: (error) => logger.error('request failed', { error }) });
 * ```
 */
export interface NodeHandlerOptions {
  /**
   * Told about every failure: errors the handler throws, and every 5xx response it answers
   * (routers answer their errors themselves; the original error comes along when the response
   * was built by `toHttpResponse`), including a request body another middleware already consumed.
   */
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
 * It is Express middleware too: `app.use('/api', toNodeHandler(portal.fetch))` serves the full
 * path (Express's `req.originalUrl`, not the `req.url` it strips the mount path from), and a body
 * that `express.json()`, `express.text()`, `express.raw()` or `express.urlencoded()` already read
 * is taken from `req.body` and serialised back (JSON with its content type). A body read by a
 * middleware that left no `req.body` is a `RequestBodyUnavailableError` (500) naming the cause.
 * Every 5xx and thrown error reaches `onError`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeHandler(portal.fetch)).listen(7007);
 * // or, in Express: app.use('/api', toNodeHandler(portal.fetch, { onError: (error) => console.error(error) }));
 * ```
 */
export function toNodeHandler(handler: Handler, options: NodeHandlerOptions = {}): NodeRequestListener {
  return (req, res) => serveNode(handler, options, req, res);
}

/**
 * Serve one request; `parsed.body` is a body a framework parsed and keeps outside `req`
 * (Fastify's `request.body`). Never rejects: a listener's rejection would be unhandled.
 */
export async function serveNode(
  handler: Handler,
  options: NodeHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  parsed?: { body?: unknown },
): Promise<void> {
  // Every failure ends here: an error response if nothing was sent yet, else a cut connection.
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
    let response: Response;
    try {
      request = withBody(request, req, parsed);
      const answered: unknown = await handler(request);
      if (!(answered instanceof Response)) throw new Error('the handler did not return a Response');
      response = answered;
      if (response.status >= 500) {
        report(options, getResponseError(response) ?? new Error(`the handler answered ${response.status}`), request);
      }
    } catch (error) {
      report(options, error, request);
      response = toHttpResponse(error, request);
    }
    // A body the handler did not read to its end (refused, too large) is still arriving: close
    // the connection after the response rather than leave the client's upload stuck.
    if (!req.complete && !res.headersSent) res.setHeader('connection', 'close');
    await writeResponse(response, res, req.method === 'HEAD', controller.signal);
  } catch {
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: { name: 'Error', message: 'Internal server error' }, response: { statusCode: 500 } }));
    } else {
      res.destroy();
    }
  }
}

function report(options: NodeHandlerOptions, error: unknown, request: Request): void {
  try {
    options.onError?.(error, request);
  } catch {
    // A failing error hook must not replace the response it reports on.
  }
}

const safeHost = /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const protocol = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  // The Host header is client input: anything odd must not change how the URL parses.
  const hostHeader = req.headers.host ?? '';
  const host = safeHost.test(hostHeader) ? hostHeader : 'localhost';
  // Express strips its mount path from `url` and keeps the full target in `originalUrl`.
  const originalUrl = (req as FrameworkRequest).originalUrl;
  const path = requestPath(typeof originalUrl === 'string' ? originalUrl : (req.url ?? '/'));
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

  return new Request(url, { method: req.method ?? 'GET', headers, signal });
}

/**
 * The request with its body: built apart from the URL and headers, so that a body another
 * middleware consumed fails with a `Request` in hand (for `onError` and the error's `request`).
 */
function withBody(request: Request, req: IncomingMessage, parsed: { body?: unknown } | undefined): Request {
  if (request.method === 'GET' || request.method === 'HEAD') return request;
  const { body, contentLength } = nodeRequestBody(req, parsed);
  const headers = new Headers(request.headers);
  if (contentLength !== undefined) {
    headers.set('content-length', String(contentLength));
    headers.delete('transfer-encoding');
    headers.delete('content-encoding'); // a parser inflated it
  }
  return new Request(request.url, { method: request.method, headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
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
