import { NotImplementedError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createIntegrations } from './integrations.js';
import { parseRepoUrl } from './repo-url.js';
import type { ScmIntegration, ScmIntegrationType } from './types.js';

/** An integration of the given type and host: only its identity matters to these tests. */
function integration(type: ScmIntegrationType, host: string): ScmIntegration {
  const fail = async () => {
    throw new NotImplementedError('not read in this test');
  };
  return {
    type,
    host,
    title: host,
    parseUrl: () => undefined,
    resolveUrl: ({ url, base }) => new URL(url, base).toString(),
    resolveEditUrl: (url) => url,
    reader: { canRead: () => false, read: fail, readTree: fail },
  };
}

describe('createIntegrations', () => {
  it('names the key path of invalid config', () => {
    expect(() => createIntegrations({ config: { github: [{ host: 'https://github.com' }] } })).toThrow(/integrations\.github\.0\.host/);
    expect(() => createIntegrations({ config: { gitlab: [{ host: 'gitlab.com', tokn: 'x' } as never] } })).toThrow(/integrations\.gitlab\.0/);
  });

  it('reports the keys of hosts it does not integrate with, and refuses a host configured twice', () => {
    expect(createIntegrations({ config: { gerrit: [{ host: 'gerrit.example.com' }] } }).ignoredKeys).toEqual(['gerrit']);
    expect(() => createIntegrations({ integrations: [integration('git', 'git.example.com'), integration('git', 'GIT.example.com')] })).toThrow(/more than once/);
  });

  it('refuses to read a URL of a host that is not configured, naming only its origin', async () => {
    const integrations = createIntegrations({ integrations: [integration('git', 'git.example.com')] });
    await expect(integrations.reader.read('https://elsewhere.example/a?token=secret-value')).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'no integration is configured for https://elsewhere.example',
    });
    expect(integrations.byUrl('https://git.example.com/a.git')?.type).toBe('git');
    expect(integrations.byUrl('not a url')).toBeUndefined();
  });
});

describe('parseRepoUrl', () => {
  const integrations = createIntegrations({
    integrations: [integration('github', 'github.com'), integration('bitbucketCloud', 'bitbucket.org'), integration('azure', 'dev.azure.com')],
  });

  it("parses Backstage's repoUrl format and requires what each host needs", () => {
    expect(parseRepoUrl('github.com?owner=acme&repo=web', integrations)).toEqual({ type: 'github', host: 'github.com', owner: 'acme', repo: 'web' });
    expect(parseRepoUrl('bitbucket.org?workspace=w&project=P&repo=r', integrations)).toMatchObject({ workspace: 'w', project: 'P' });
    expect(() => parseRepoUrl('bitbucket.org?workspace=w&repo=r', integrations)).toThrow(/missing project/);
    expect(() => parseRepoUrl('dev.azure.com?organization=o&repo=r', integrations)).toThrow(/missing project/);
    expect(() => parseRepoUrl('github.com?repo=web', integrations)).toThrow(/missing owner/);
  });

  it('refuses unconfigured hosts and parts that would change an API path', () => {
    expect(() => parseRepoUrl('evil.example?owner=a&repo=b', integrations)).toThrow(/No matching integration/);
    expect(() => parseRepoUrl('github.com?owner=..&repo=b', integrations)).toThrow(/dot segment/);
    expect(() => parseRepoUrl('github.com?owner=a&repo=b%2F..%2Fc', integrations)).toThrow(/dot segment|characters/);
    expect(() => parseRepoUrl('github.com?owner=a&repo=b?x', integrations)).toThrow(/characters/);
    expect(() => parseRepoUrl('user@github.com?owner=a&repo=b', integrations)).toThrow(/Invalid repo URL/);
  });
});
