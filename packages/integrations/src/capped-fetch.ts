import { PayloadTooLargeError } from '@portalkit/core';

/**
 * Wrap a fetch so that every response body errors with a `PayloadTooLargeError` once it passes
 * `maxBytes`, and every request carries `headers` (the integration's credentials; the host
 * fetch underneath drops them on a redirect to another origin). Clients that read bodies
 * themselves (gitea-js) are bounded this way.
 * @example
 * ```ts
 * const fetchCapped = createCappedFetch(hostFetch, { maxBytes: 10_000_000, headers: { Authorization: 'Basic ...' } });
 * ```
 */
export function createCappedFetch(fetchImpl: typeof fetch, options: { maxBytes: number; headers?: Record<string, string> }): typeof fetch {
  const capped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const response = await fetchImpl(input, { ...init, headers });
    if (!response.body) return response;
    let size = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.length;
        if (size > options.maxBytes) controller.error(new PayloadTooLargeError(`the response of ${new URL(response.url || 'http://unknown').origin} is larger than ${options.maxBytes} bytes`));
        else controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(limit), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return capped as typeof fetch;
}
