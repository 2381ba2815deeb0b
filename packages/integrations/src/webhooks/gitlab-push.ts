import { InputError } from '@portalkit/core';
import { z } from 'zod';
import { changedPathsOf, hostOf, isZeroSha, refNames, type PushEvent } from './push-event.js';
import { commitShaSchema as sha, pushCommitsSchema, webUrlSchema as webUrl } from './push-fields.js';
import { parsePayload } from './parse-payload.js';

/**
 * The part of GitLab's `Push Hook` and `Tag Push Hook` payloads portalkit reads (GitLab's
 * doc/user/project/integrations/webhook_events.md, "Push events" and "Tag events"). Other keys
 * are allowed and ignored.
 *
 * @example
 * ```ts
 * const payload = gitlabPushPayloadSchema.parse(JSON.parse(body));
 * payload.project.path_with_namespace; // 'group/sub/project'
 * ```
 */
export const gitlabPushPayloadSchema = z.looseObject({
  object_kind: z.enum(['push', 'tag_push']),
  ref: z.string().min(1).max(1024),
  before: sha,
  after: sha,
  project: z.looseObject({
    path_with_namespace: z.string().min(1).max(1024).regex(/^[^/\s]+(\/[^/\s]+)+$/, 'group/project'),
    web_url: webUrl,
    git_http_url: webUrl.optional(),
    default_branch: z.string().min(1).max(1024).nullish(),
  }),
  commits: pushCommitsSchema,
  total_commits_count: z.number().int().nonnegative().optional(),
});

/**
 * See {@link gitlabPushPayloadSchema}.
 * @example
 * ```ts
 * const payload: GitlabPushPayload = gitlabPushPayloadSchema.parse(JSON.parse(body));
 * payload.total_commits_count;
 * ```
 */
export type GitlabPushPayload = z.infer<typeof gitlabPushPayloadSchema>;

/**
 * Read a GitLab `Push Hook` or `Tag Push Hook` payload (already parsed from JSON) as a
 * host-neutral {@link PushEvent}. The changed paths are the commits' `added`/`modified`/`removed`
 * lists, except when they cannot be complete: GitLab lists only the newest 20 commits
 * (`total_commits_count` says how many there were), and a created or deleted ref has none.
 * A payload that does not match the schema is an `InputError` naming the key path.
 *
 * @example
 * ```ts
 * const event = parseGitlabPushEvent(JSON.parse(body));
 * event.repository.path; // 'group/sub/project'
 * ```
 */
export function parseGitlabPushEvent(payload: unknown): PushEvent {
  const push = parsePayload(gitlabPushPayloadSchema, payload, 'GitLab push');
  const host = hostOf(push.project.web_url);
  if (!host) throw new InputError('invalid GitLab push payload: project.web_url: an http(s) URL');
  const deleted = isZeroSha(push.after);
  const created = isZeroSha(push.before);
  const total = push.total_commits_count ?? push.commits.length;
  const complete = !deleted && !created && push.commits.length > 0 && total <= push.commits.length;
  return {
    type: 'gitlab',
    host,
    repository: {
      path: push.project.path_with_namespace,
      url: push.project.web_url,
      ...(push.project.git_http_url ? { cloneUrl: push.project.git_http_url } : {}),
      ...(push.project.default_branch ? { defaultBranch: push.project.default_branch } : {}),
    },
    ref: push.ref,
    ...refNames(push.ref),
    before: push.before,
    after: push.after,
    deleted,
    ...(complete ? { changedPaths: changedPathsOf(push.commits) } : {}),
  };
}
