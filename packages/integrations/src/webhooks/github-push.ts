import { InputError } from '@portalkit/core';
import { z } from 'zod';
import { changedPathsOf, hostOf, isZeroSha, refNames, type PushEvent } from './push-event.js';
import { commitShaSchema as sha, pushCommitsSchema, webUrlSchema as webUrl } from './push-fields.js';
import { parsePayload } from './parse-payload.js';

/**
 * The part of GitHub's `push` webhook payload portalkit reads (docs.github.com "Webhook events
 * and payloads", `push`; @octokit/openapi `x-webhooks.push`). Other keys are allowed and ignored.
 *
 * @example
 * ```ts
 * const payload = githubPushPayloadSchema.parse(JSON.parse(body));
 * payload.repository.full_name; // 'acme/web'
 * ```
 */
export const githubPushPayloadSchema = z.looseObject({
  ref: z.string().min(1).max(1024),
  before: sha,
  after: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  repository: z.looseObject({
    full_name: z.string().min(1).max(512).regex(/^[^/\s]+\/[^/\s]+$/, 'owner/repo'),
    html_url: webUrl,
    clone_url: webUrl.optional(),
    default_branch: z.string().min(1).max(1024).nullish(),
  }),
  commits: pushCommitsSchema,
});

/**
 * See {@link githubPushPayloadSchema}.
 * @example
 * ```ts
 * const payload: GithubPushPayload = githubPushPayloadSchema.parse(JSON.parse(body));
 * payload.commits.length;
 * ```
 */
export type GithubPushPayload = z.infer<typeof githubPushPayloadSchema>;

/** GitHub lists at most this many commits in a push payload; a full list may have been cut. */
const GITHUB_MAX_COMMITS = 2048;

/**
 * Read a GitHub `push` payload (already parsed from JSON) as a host-neutral {@link PushEvent}.
 * The changed paths are the commits' `added`/`modified`/`removed` lists, except when they
 * cannot be complete: a created, deleted or force-pushed ref, or 2048 commits (GitHub's cap).
 * A payload that does not match the schema is an `InputError` naming the key path.
 *
 * @example
 * ```ts
 * const event = parseGithubPushEvent(JSON.parse(body));
 * event.branch; // 'main'
 * event.changedPaths; // ['catalog-info.yaml']
 * ```
 */
export function parseGithubPushEvent(payload: unknown): PushEvent {
  const push = parsePayload(githubPushPayloadSchema, payload, 'GitHub push');
  const host = hostOf(push.repository.html_url);
  if (!host) throw new InputError('invalid GitHub push payload: repository.html_url: an http(s) URL');
  const deleted = push.deleted ?? isZeroSha(push.after);
  const created = push.created ?? isZeroSha(push.before);
  const complete = !deleted && !created && !push.forced && push.commits.length > 0 && push.commits.length < GITHUB_MAX_COMMITS;
  return {
    type: 'github',
    host,
    repository: {
      path: push.repository.full_name,
      url: push.repository.html_url,
      ...(push.repository.clone_url ? { cloneUrl: push.repository.clone_url } : {}),
      ...(push.repository.default_branch ? { defaultBranch: push.repository.default_branch } : {}),
    },
    ref: push.ref,
    ...refNames(push.ref),
    before: push.before,
    after: push.after,
    deleted,
    ...(complete ? { changedPaths: changedPathsOf(push.commits) } : {}),
  };
}
