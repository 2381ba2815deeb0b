import { PayloadTooLargeError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createGitlabIntegration } from './index.js';

// A raw file body larger than the limit, sent without Content-Length (chunked): the reader must
// stop pulling as soon as the limit is passed, not buffer the whole body first.
describe('GitLab reader: raw file size limit while streaming', () => {
  it('stops reading a chunked body once it passes maxTreeBytes', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const fakeFetch = (async (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith('/raw')) {
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += 1;
            if (pulled > 200) controller.close();
            else controller.enqueue(chunk);
          },
        });
        return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } });
      }
      return new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const integration = createGitlabIntegration(
      { host: 'gitlab.example.com', token: 'glpat-x', allowPrivateNetwork: true, maxTreeBytes: 100 * 1024 },
      { fetch: fakeFetch },
    );
    await expect(integration.reader.read('https://gitlab.example.com/acme/web/-/blob/main/big.txt')).rejects.toBeInstanceOf(PayloadTooLargeError);
    // 100 KiB limit in 64 KiB chunks: at most a few chunks (stream read-ahead), never all 200.
    expect(pulled).toBeLessThan(10);
  });
});
