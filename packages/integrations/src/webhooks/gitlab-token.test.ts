import { describe, expect, it } from 'vitest';
import { verifyGitlabToken } from './gitlab-token.js';

describe('verifyGitlabToken', () => {
  it('accepts the configured token, and any of several (rotation)', () => {
    expect(verifyGitlabToken({ secrets: 'glwebhook-token', tokenHeader: 'glwebhook-token' })).toBe(true);
    expect(verifyGitlabToken({ secrets: ['new', 'old'], tokenHeader: 'old' })).toBe(true);
    expect(verifyGitlabToken({ secrets: ['new', 'old'], tokenHeader: 'new' })).toBe(true);
  });

  it('refuses another token, a prefix, a longer token, and different case', () => {
    for (const tokenHeader of ['other', 'glwebhook', 'glwebhook-token-', 'GLWEBHOOK-TOKEN', ' glwebhook-token']) {
      expect(verifyGitlabToken({ secrets: 'glwebhook-token', tokenHeader })).toBe(false);
    }
  });

  it('refuses a missing or empty header and empty secrets', () => {
    expect(verifyGitlabToken({ secrets: 'x', tokenHeader: null })).toBe(false);
    expect(verifyGitlabToken({ secrets: 'x', tokenHeader: undefined })).toBe(false);
    expect(verifyGitlabToken({ secrets: 'x', tokenHeader: '' })).toBe(false);
    // An empty configured secret never matches an empty (or any) header.
    expect(verifyGitlabToken({ secrets: [''], tokenHeader: '' })).toBe(false);
    expect(verifyGitlabToken({ secrets: [], tokenHeader: 'x' })).toBe(false);
  });
});
