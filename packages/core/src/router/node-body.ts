import type { IncomingMessage } from 'node:http';
import { RequestBodyUnavailableError } from '../errors.js';
import { isJsonContentType } from './content-type.js';

/**
 * What frameworks add to Node's request: Express's `originalUrl` (the path before a mount point
 * was stripped from `url`) and the `body` a body parser (`express.json()`, `express.text()`, ...)
 * left after reading the stream. Structural, so core depends on no framework.
 */
export interface FrameworkRequest extends IncomingMessage {
  originalUrl?: unknown;
  body?: unknown;
}

/** The body a `Request` is built with, and the headers that must change with it. */
export interface NodeRequestBody {
  body: ReadableStream<Uint8Array> | Uint8Array;
  /** Set when the body was re-serialised: its byte length replaces the client's. */
  contentLength?: number;
}

/**
 * The request body for a `Request`: the stream while nobody has read it (portalkit then applies
 * its own limits and checks to the client's exact bytes), else the body a parser left on
 * `req.body` (or `parsed`, for frameworks that keep it elsewhere), serialised back. When the
 * stream was read and no body is left, a {@link RequestBodyUnavailableError} names the cause.
 */
export function nodeRequestBody(req: FrameworkRequest, parsed: { body?: unknown } = req): NodeRequestBody {
  // Express 4 sets `req.body = {}` without reading unparsed types: only a read stream counts.
  const streamRead = req.readableDidRead || req.readableEnded;
  if (!streamRead) return { body: requestStream(req) };
  const body = parsed.body;
  if (body === undefined) {
    throw new RequestBodyUnavailableError(
      'the request body was already read by another middleware (express.json?) and it left no req.body: ' +
        'mount the portal before body parsers, or let them set req.body',
    );
  }
  const bytes = serialise(body, req.headers['content-type']);
  return { body: bytes, contentLength: bytes.byteLength };
}

function serialise(body: unknown, contentType: string | undefined): Uint8Array {
  if (body instanceof Uint8Array) return body; // express.raw(): a Buffer of the exact bytes
  if (typeof body === 'string') return new TextEncoder().encode(body); // express.text()
  if (isJsonContentType(contentType ?? null)) return new TextEncoder().encode(JSON.stringify(body));
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? '')) return encodeForm(body);
  throw new RequestBodyUnavailableError(
    `the request body was already parsed by another middleware into a value portalkit cannot turn back into ${JSON.stringify(
      (contentType ?? 'no content type').slice(0, 100),
    )}: mount the portal before that body parser`,
  );
}

/** A flat urlencoded form (`express.urlencoded()`); nested objects (`extended: true`) are refused. */
function encodeForm(body: unknown): Uint8Array {
  const form = new URLSearchParams();
  const flat =
    typeof body === 'object' &&
    body !== null &&
    Object.entries(body).every(([key, value]) => {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (!values.every((v) => typeof v === 'string')) return false;
      for (const v of values) form.append(key, v as string);
      return true;
    });
  if (!flat) {
    throw new RequestBodyUnavailableError(
      'the urlencoded request body was already parsed into nested values by another middleware: mount the portal before that body parser',
    );
  }
  return new TextEncoder().encode(form.toString());
}

/**
 * The request stream as a web stream. Not `Readable.toWeb`: once its stream is cancelled (a body
 * over the size limit, a handler that stops reading), a later `data` event (a framework resuming
 * the request to drain it) throws from its listener and takes the process down. Here a cancelled
 * stream drops the rest of the body, so the socket keeps flowing and the response is delivered;
 * the connection is then closed (see `serveNode`).
 */
function requestStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (done) return;
        done = true;
        controller.close();
      });
      const fail = (error?: Error) => {
        if (done) return;
        done = true;
        controller.error(error ?? new Error('the client closed the connection before sending the whole request body'));
      };
      req.once('error', fail);
      req.once('close', () => fail());
    },
    pull() {
      req.resume();
    },
    cancel() {
      done = true;
      req.resume();
    },
  });
}
