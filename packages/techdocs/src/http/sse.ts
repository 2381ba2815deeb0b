/** Sends one server-sent event. */
export type SendEvent = (event: string, data: unknown) => void;

/**
 * A `text/event-stream` response fed by `run`, in the format Backstage's TechDocs client reads:
 * `event: <name>\ndata: <json>\n\n`. The stream closes when `run` settles.
 *
 * @example
 * ```ts
 * return eventStream(async (send) => { send('log', 'building'); send('finish', { updated: true }); });
 * ```
 */
export function eventStream(run: (send: SendEvent) => Promise<void>): Response {
  const encoder = new TextEncoder();
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send: SendEvent = (event, data) => {
        if (closed) return;
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        controller.close();
      };
      // A run that throws still closes the stream (and is no unhandled rejection); reporting
      // its error to the client is the run's job (send an `error` event).
      void run(send).then(close, close);
    },
    cancel() {
      // The client went away; the build itself carries on so the next visit finds it done.
      closed = true;
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
  });
}
