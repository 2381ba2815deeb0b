import { readFileSync } from 'node:fs';
import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { parseGithubPushEvent } from './github-push.js';
import { parseGitlabPushEvent } from './gitlab-push.js';
import { githubBranchPush } from './test-payloads.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('parseGithubPushEvent', () => {
  it("reads GitHub's documented sample (a deleted tag): no branch, no file list", () => {
    const event = parseGithubPushEvent(fixture('github-push-tag-deleted.json'));
    expect(event).toEqual({
      type: 'github',
      host: 'github.com',
      repository: { path: 'Codertocat/Hello-World', url: 'https://github.com/Codertocat/Hello-World', cloneUrl: 'https://github.com/Codertocat/Hello-World.git', defaultBranch: 'master' },
      ref: 'refs/tags/simple-tag',
      tag: 'simple-tag',
      before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      after: '0000000000000000000000000000000000000000',
      deleted: true,
    });
  });

  it('reads a branch push: the union of added, modified and removed paths', () => {
    const payload = githubBranchPush(fixture('github-push-tag-deleted.json'), {
      branch: 'main',
      commits: [
        { added: ['docs/index.md'], modified: ['catalog-info.yaml'], removed: [] },
        { added: [], modified: ['catalog-info.yaml'], removed: ['old/catalog-info.yaml'] },
      ],
    });
    const event = parseGithubPushEvent(payload);
    expect(event.branch).toBe('main');
    expect(event.tag).toBeUndefined();
    expect(event.deleted).toBe(false);
    expect(event.changedPaths).toEqual(['catalog-info.yaml', 'docs/index.md', 'old/catalog-info.yaml']);
  });

  it('has no file list when it cannot be complete: created or force-pushed refs, no commits', () => {
    const base = githubBranchPush(fixture('github-push-tag-deleted.json'), { branch: 'main', commits: [{ added: ['a'], modified: [], removed: [] }] });
    expect(parseGithubPushEvent(base).changedPaths).toEqual(['a']);
    expect(parseGithubPushEvent({ ...base, forced: true }).changedPaths).toBeUndefined();
    expect(parseGithubPushEvent({ ...base, created: true, before: '0'.repeat(40) }).changedPaths).toBeUndefined();
    expect(parseGithubPushEvent({ ...base, commits: [] }).changedPaths).toBeUndefined();
  });

  it('refuses payloads that do not match, naming the key path', () => {
    const good = fixture('github-push-tag-deleted.json');
    const bad = [
      {},
      { ...good, ref: 7 },
      { ...good, repository: { ...good.repository, full_name: 'no-slash' } },
      { ...good, repository: { ...good.repository, html_url: 'javascript:alert(1)' } },
      { ...good, commits: [{ added: [3] }] },
      { ...good, before: 'not-a-sha' },
      [],
      null,
    ];
    for (const payload of bad) expect(() => parseGithubPushEvent(payload)).toThrow(InputError);
    expect(() => parseGithubPushEvent({ ...good, repository: { ...good.repository, full_name: 'x' } })).toThrow(/repository\.full_name/);
  });
});

describe('parseGitlabPushEvent', () => {
  it("reads GitLab's documented Push Hook sample: 2 of 4 commits listed, so no file list", () => {
    const event = parseGitlabPushEvent(fixture('gitlab-push-hook.json'));
    expect(event).toEqual({
      type: 'gitlab',
      host: 'example.com',
      repository: { path: 'mike/diaspora', url: 'http://example.com/mike/diaspora', cloneUrl: 'http://example.com/mike/diaspora.git', defaultBranch: 'master' },
      ref: 'refs/heads/master',
      branch: 'master',
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      deleted: false,
    });
  });

  it('lists changed paths when every commit is listed', () => {
    const payload = { ...fixture('gitlab-push-hook.json'), total_commits_count: 2 };
    expect(parseGitlabPushEvent(payload).changedPaths).toEqual(['CHANGELOG', 'app/controller/application.rb']);
  });

  it('reads nested groups and tag pushes', () => {
    const sample = fixture('gitlab-push-hook.json');
    const payload = {
      ...sample,
      object_kind: 'tag_push',
      ref: 'refs/tags/v1.0.0',
      project: { ...sample.project, path_with_namespace: 'group/sub/project', web_url: 'https://gitlab.example.com:8443/group/sub/project' },
    };
    const event = parseGitlabPushEvent(payload);
    expect(event).toMatchObject({ host: 'gitlab.example.com:8443', repository: { path: 'group/sub/project' }, tag: 'v1.0.0' });
  });

  it('refuses payloads that do not match', () => {
    const good = fixture('gitlab-push-hook.json');
    for (const payload of [{}, { ...good, object_kind: 'issue' }, { ...good, project: {} }, { ...good, commits: 'x' }, { ...good, total_commits_count: -1 }]) {
      expect(() => parseGitlabPushEvent(payload)).toThrow(InputError);
    }
  });
});
