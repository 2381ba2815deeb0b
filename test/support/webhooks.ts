import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { githubBranchPush } from '../../packages/integrations/src/webhooks/test-payloads.js';

const fixtures = new URL('../../packages/integrations/src/webhooks/fixtures/', import.meta.url);

/** A documented payload sample (packages/integrations/src/webhooks/fixtures), parsed. */
export function webhookFixture(name: 'github-push-tag-deleted.json' | 'gitlab-push-hook.json'): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
}

/** GitHub's `X-Hub-Signature-256` of `body`, computed with node:crypto (not the code under test). */
export function signGithub(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * GitHub's documented push sample, moved to a repository served at `webUrl` (e.g.
 * `http://127.0.0.1:4000/acme/web`) and turned into a push of `commits` to `branch`.
 */
export function githubPushPayload(options: {
  webUrl: string;
  fullName: string;
  branch: string;
  commits: { added: string[]; modified: string[]; removed: string[] }[];
  defaultBranch?: string;
}): Record<string, unknown> {
  const [owner, name] = options.fullName.split('/');
  return githubBranchPush(webhookFixture('github-push-tag-deleted.json'), {
    branch: options.branch,
    commits: options.commits,
    repository: {
      name,
      full_name: options.fullName,
      html_url: options.webUrl,
      url: options.webUrl,
      clone_url: `${options.webUrl}.git`,
      svn_url: options.webUrl,
      default_branch: options.defaultBranch ?? 'main',
      master_branch: options.defaultBranch ?? 'main',
      // Required by today's description; the 2019 sample predates it.
      has_discussions: false,
      owner: { ...(webhookFixture('github-push-tag-deleted.json').repository as { owner: object }).owner, login: owner, name: owner },
    },
  });
}

/** GitLab's documented Push Hook sample, moved to `webUrl` / `pathWithNamespace` and `branch`, listing `commits` completely. */
export function gitlabPushPayload(options: {
  webUrl: string;
  pathWithNamespace: string;
  branch: string;
  commits: { added: string[]; modified: string[]; removed: string[] }[];
}): Record<string, unknown> {
  const sample = webhookFixture('gitlab-push-hook.json') as { project: Record<string, unknown>; commits: Record<string, unknown>[] };
  const commits = options.commits.map((files, i) => ({ ...sample.commits[i % sample.commits.length], ...files }));
  return {
    ...sample,
    ref: `refs/heads/${options.branch}`,
    project: { ...sample.project, web_url: options.webUrl, git_http_url: `${options.webUrl}.git`, path_with_namespace: options.pathWithNamespace, default_branch: 'main' },
    commits,
    total_commits_count: commits.length,
  };
}

/** A GitHub delivery of `event` with `body`, signed with `secret` unless `signature` is given. */
export function githubDelivery(url: string, options: { body: string | Uint8Array; secret?: string; signature?: string | null; event?: string; contentType?: string }): Request {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-github-event': options.event ?? 'push',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'user-agent': 'GitHub-Hookshot/044aadd',
  };
  const signature = options.signature === undefined ? signGithub(options.secret ?? '', options.body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return new Request(url, { method: 'POST', headers, body: typeof options.body === 'string' ? options.body : new Uint8Array(options.body) });
}

/** A GitLab delivery of `event` with `body` and `token` in `X-Gitlab-Token`. */
export function gitlabDelivery(url: string, options: { body: string; token?: string; event?: string }): Request {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitlab-event': options.event ?? 'Push Hook',
    'x-gitlab-event-uuid': '13792a34-cac6-4fda-95a8-c58e00a3954e',
  };
  if (options.token !== undefined) headers['x-gitlab-token'] = options.token;
  return new Request(url, { method: 'POST', headers, body: options.body });
}

/**
 * Validate a payload against the `push` webhook schema of GitHub's published API description
 * (@octokit/openapi, `x-webhooks.push`), with ajv; returns ajv's errors (empty when valid).
 */
export function githubPushSchemaErrors(payload: unknown): string[] {
  const fromIntegrations = createRequire(fileURLToPath(new URL('../../packages/integrations/package.json', import.meta.url)));
  const fromCatalog = createRequire(fileURLToPath(new URL('../../packages/catalog/package.json', import.meta.url)));
  const description = fromIntegrations('@octokit/openapi/generated/api.github.com.deref.json');
  const Ajv = fromCatalog('ajv').default;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(withoutNullable(description['x-webhooks'].push.post.requestBody.content['application/json'].schema));
  return validate(payload) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}

/** OpenAPI 3.0's `nullable: true` in JSON Schema terms (ajv refuses `nullable` without `type`). */
function withoutNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNullable);
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'enum' || key === 'example' ? value : withoutNullable(value)]));
  if (nullable !== true) return converted;
  return { anyOf: [converted, { type: 'null' }] };
}
