import type { createAuthority } from './auth.js';
import { type ContractInstallation, installationJson } from './json.js';
import { ContractHttpError, type ContractRequest, type ContractResponse } from './router.js';
import type { GithubContractServer } from './server.js';

// GitHub Apps: the endpoints an app's JWT may call to find its installations and mint
// installation tokens (what @octokit/auth-app does).

/** Register the GitHub App routes on `server`. */
export function registerAppRoutes(server: GithubContractServer, authority: ReturnType<typeof createAuthority>): void {
  const appOf = (request: ContractRequest): number => {
    if (request.principal?.kind !== 'app') {
      throw new ContractHttpError(401, 'A JSON web token could not be decoded');
    }
    return request.principal.appId;
  };
  const installationFor = (request: ContractRequest, login: string): ContractResponse => {
    const appId = appOf(request);
    const installation = authority.installations.find((i) => i.appId === appId && i.account.login.toLowerCase() === login.toLowerCase());
    if (!installation) throw new ContractHttpError(404, 'Not Found');
    return { status: 200, json: installationJson(installation, server.urls) };
  };

  server.route('GET', '/app/installations', (request) => {
    const appId = appOf(request);
    const all = authority.installations.filter((i) => i.appId === appId);
    return paginate(request, all, (page) => page.map((i: ContractInstallation) => installationJson(i, server.urls)));
  });

  server.route('POST', '/app/installations/{installation_id}/access_tokens', (request) => {
    const appId = appOf(request);
    const installation = authority.installations.find((i) => i.appId === appId && String(i.id) === request.params.installation_id);
    if (!installation) throw new ContractHttpError(404, 'Not Found');
    const { token, expiresAt } = authority.issueInstallationToken(installation);
    return {
      status: 201,
      json: {
        token,
        expires_at: `${expiresAt.toISOString().slice(0, 19)}Z`,
        permissions: { contents: 'write', metadata: 'read', pull_requests: 'write', members: 'read' },
        repository_selection: 'all',
      },
    };
  });

  server.route('GET', '/repos/{owner}/{repo}/installation', (request) => installationFor(request, request.params.owner!));
  server.route('GET', '/orgs/{org}/installation', (request) => installationFor(request, request.params.org!));
  server.route('GET', '/users/{username}/installation', (request) => installationFor(request, request.params.username!));
}

/** GitHub's page/per_page pagination with a `link` header. */
export function paginate<T>(request: ContractRequest, all: T[], render: (page: T[]) => unknown): ContractResponse {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < all.length) {
    const next = new URLSearchParams(request.query);
    next.set('page', String(page + 1));
    next.set('per_page', String(perPage));
    const base = request.headers.host ? `http://${request.headers.host}${request.origin === 'api' ? '/api/v3' : ''}${request.path}` : request.path;
    headers.link = `<${base}?${next}>; rel="next"`;
  }
  return { status: 200, json: render(slice), headers };
}
