import { InputError } from '../errors.js';

/**
 * Sends one server-sent event: `event: <event>` and `data: <JSON of data>`. Throws an `InputError`
 * at once for an event name that could break the framing (empty, or with CR, LF or NUL). The
 * promise resolves when the client is ready for more; await it to let a slow client slow the
 * producer down, or ignore it. Once the client has gone, sending does nothing.
 */
export type SendServerSentEvent = (event: string, data: unknown) => Promise<void>;

/**
 * Options of {@link eventStreamResponse}.
 * @example
 * ```ts
 * eventStreamResponse(run, { signal: request.signal });
 * ```
 */
export interface EventStreamOptions {
  /** Usually `request.signal`: when it aborts, the stream ends and `run`'s signal aborts. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

/**
 * A `text/event-stream` response fed by `run`, in the framing Backstage's clients read:
 * `event: <name>\ndata: <json>\n\n`. The stream closes when `run` resolves; when `run` rejects,
 * the stream errors (the client sees the connection end, and no rejection goes unhandled).
 * When the client goes away (the body is cancelled, or `options.signal` aborts), `run`'s signal
 * aborts and further sends do nothing; `run` may stop or carry on, as it chooses.
 *
 * @example
 * ```ts
 * router.get('/tasks/:id/eventstream', (request, { params }) =>
 *   eventStreamResponse(async (send, signal) => {
 *     for await (const event of tasks.events(params.id!, { signal })) await send(event.type, event);
 *   }, { signal: request.signal }),
 * );
 * ```
 */
export function eventStreamResponse(
  run: (send: SendServerSentEvent, signal: AbortSignal) => Promise<void>,
  options: EventStreamOptions = {},
): Response {
  const gone = new AbortController();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ready: (() => void) | undefined;
  const wake = () => {
    ready?.();
    ready = undefined;
  };
  const stop = () => {
    if (gone.signal.aborted) return;
    gone.abort();
    wake();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull: wake,
    cancel: stop,
  });
  const send: SendServerSentEvent = (event, data) => {
    if (!event || /[\r\n\0]/.test(event)) throw new InputError(`invalid server-sent event name ${JSON.stringify(event)}`);
    if (gone.signal.aborted) return Promise.resolve();
    // JSON escapes CR and LF, so the data is always one `data:` line.
    controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data) ?? 'null'}\n\n`));
    if ((controller.desiredSize ?? 1) > 0) return Promise.resolve();
    return new Promise<void>((resolve) => (ready = resolve));
  };
  const onAbort = () => {
    if (gone.signal.aborted) return;
    stop();
    controller.close();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  void (async () => run(send, gone.signal))().then(
    () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (gone.signal.aborted) return;
      gone.abort();
      controller.close();
    },
    (error: unknown) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (gone.signal.aborted) return;
      gone.abort();
      controller.error(error);
    },
  );
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}
