import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createIntegrations } from '@portalkit/integrations';
import { builtinActions, createScaffolder, parseTemplate } from '@portalkit/scaffolder';
import { describe, expect, it } from 'vitest';

// The integration's API is HTTPS; a clone URL answered by the API on the same host but over plain
// HTTP must be refused: the push carries the token, and would send it in clear text.
describe('publish:github: clone URL scheme', () => {
  it('refuses an http:// clone URL when the integration is https, so the token never travels in clear text', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const plain = createServer((request, response) => {
      seen.push(request.headers);
      response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
    try {
      // The HTTPS API, answered in process: the owner is an organization, the repository is created.
      const api = (async (input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        const url = new URL(request.url);
        const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
        if (url.pathname === '/api/v3/users/acme') return json(200, { login: 'acme', type: 'Organization' });
        if (url.pathname === '/api/v3/orgs/acme/repos' && request.method === 'POST') {
          return json(201, { name: 'web', full_name: 'acme/web', clone_url: `http://${host}/acme/web.git`, html_url: `https://${host}/acme/web` });
        }
        return json(404, { message: 'Not Found' });
      }) as typeof fetch;
      const integrations = createIntegrations({
        config: { github: [{ host, apiBaseUrl: `https://${host}/api/v3`, codeloadBaseUrl: `https://${host}`, token: 'ghp_integration_secret', allowPrivateNetwork: true }] },
        fetch: api,
      });
      const root = await mkdtemp(path.join(os.tmpdir(), 'pk-gh-scheme-'));
      const scaffolder = createScaffolder({ actions: builtinActions({ integrations }), workingDirectory: path.join(root, 'work') });
      const template = parseTemplate({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'publish-github-scheme' },
        spec: { parameters: [], steps: [{ id: 'publish', action: 'publish:github', input: { repoUrl: `${host}?owner=acme&repo=web`, defaultBranch: 'main' } }] },
      });
      const task = await scaffolder.run(template, { values: {} });
      const result = await task.result;
      expect(seen.map((headers) => headers.authorization).filter(Boolean)).toEqual([]);
      expect(result.error).toMatchObject({ name: 'ServiceUnavailableError' });
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  }, 30_000);
});
