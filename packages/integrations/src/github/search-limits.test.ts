import { PayloadTooLargeError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createIntegrations } from '../integrations.js';

const SHA = 'a'.repeat(40);
const BLOB = 'b'.repeat(40);

// A GitHub API answered in process: `main` is a commit whose (non-truncated) tree holds the entries.
function githubApi(tree: Array<Record<string, unknown>>, blobs: string[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.pathname === '/repos/acme/web/commits/main') return new Response(SHA, { status: 200, headers: { 'content-type': 'text/plain' } });
    if (url.pathname === `/repos/acme/web/git/trees/${SHA}`) {
      return Response.json({ sha: SHA, truncated: false, tree });
    }
    if (url.pathname.startsWith('/repos/acme/web/git/blobs/')) {
      blobs.push(url.pathname);
      return Response.json({ sha: BLOB, encoding: 'base64', content: Buffer.from('x'.repeat(4096)).toString('base64') });
    }
    return Response.json({ message: 'Not Found' }, { status: 404 });
  }) as typeof fetch;
}

describe('GitHub reader search: tree limits', () => {
  it('refuses matches larger than maxTreeBytes together, before reading them', async () => {
    const blobs: string[] = [];
    const tree = Array.from({ length: 5 }, (_, i) => ({ path: `svc${i}/catalog-info.yaml`, mode: '100644', type: 'blob', sha: BLOB, size: 4096 }));
    const integrations = createIntegrations({ config: { github: [{ host: 'github.com', token: 't', maxTreeBytes: 10_000 }] }, fetch: githubApi(tree, blobs) });
    const search = async () => {
      const result = await integrations.reader.search!('https://github.com/acme/web/blob/main/**/catalog-info.yaml');
      for (const file of result.files) await file.content();
    };
    await expect(search()).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(blobs).toEqual([]);
  });

  it('does not return symbolic links as matching files', async () => {
    const tree = [
      { path: 'a/catalog-info.yaml', mode: '100644', type: 'blob', sha: BLOB, size: 10 },
      { path: 'b/catalog-info.yaml', mode: '120000', type: 'blob', sha: BLOB, size: 20 },
    ];
    const integrations = createIntegrations({ config: { github: [{ host: 'github.com', token: 't' }] }, fetch: githubApi(tree, []) });
    const result = await integrations.reader.search!('https://github.com/acme/web/blob/main/**/catalog-info.yaml');
    expect(result.files.map((file) => file.url)).toEqual(['https://github.com/acme/web/blob/main/a/catalog-info.yaml']);
  });
});
