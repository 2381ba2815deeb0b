import { parseGithubPushEvent, parseGitlabPushEvent, verifyGithubSignature, verifyGitlabToken } from '@portalkit/integrations';
import { headerId, type WebhookFormat } from './delivery.js';

/** GitHub: `X-Hub-Signature-256` over the raw body; `X-GitHub-Event: push`. */
export const githubFormat: WebhookFormat = {
  type: 'github',
  describe: (request) => ({ delivery: headerId(request, 'x-github-delivery'), event: headerId(request, 'x-github-event') }),
  verify: (request, body, secrets) => verifyGithubSignature({ secrets, body, signatureHeader: request.headers.get('x-hub-signature-256') }),
  isPush: (event) => event === 'push',
  parsePush: parseGithubPushEvent,
};

/** GitLab: the secret token in `X-Gitlab-Token`; `X-Gitlab-Event: Push Hook` or `Tag Push Hook`. */
export const gitlabFormat: WebhookFormat = {
  type: 'gitlab',
  describe: (request) => ({
    delivery: headerId(request, request.headers.has('x-gitlab-event-uuid') ? 'x-gitlab-event-uuid' : 'x-gitlab-webhook-uuid'),
    event: (request.headers.get('x-gitlab-event') ?? '(none)').slice(0, 64).replace(/[^A-Za-z ]/g, '?'),
  }),
  verify: (request, _body, secrets) => verifyGitlabToken({ secrets, tokenHeader: request.headers.get('x-gitlab-token') }),
  isPush: (event) => event === 'Push Hook' || event === 'Tag Push Hook',
  parsePush: parseGitlabPushEvent,
};
