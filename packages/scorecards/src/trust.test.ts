import { describe, expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog';
import { compileScorecardTrust } from './trust.js';

const from = (location?: string): Entity => ({
  apiVersion: 'portalkit.dev/v1alpha1',
  kind: 'Scorecard',
  metadata: { name: 'x', ...(location ? { annotations: { 'backstage.io/managed-by-location': location } } : {}) },
});

describe('compileScorecardTrust', () => {
  it('matches the location an entity was read from by type, exact target or glob pattern', () => {
    const trust = compileScorecardTrust(
      [
        { type: 'file', pattern: '/srv/platform/scorecards/*.yaml' },
        { type: 'url', pattern: 'https://git.example/platform/**' },
        { type: 'file', target: '/srv/one.yaml' },
        { type: 'provider' },
      ],
      'test',
    );
    const trusted = (location?: string) => trust(from(location)).trusted;
    expect(trusted('file:/srv/platform/scorecards/readiness.yaml')).toBe(true);
    expect(trusted('file:/srv/platform/scorecards/teams/x.yaml')).toBe(false); // `*` stays in one segment
    expect(trusted('file:/srv/platform/scorecards/.yaml.evil')).toBe(false);
    expect(trusted('url:https://git.example/platform/blob/main/a/b.yaml')).toBe(true);
    expect(trusted('url:https://git.example/platformer/a.yaml')).toBe(false);
    expect(trusted('url:https://git.example/platform')).toBe(false);
    expect(trusted('file:/srv/one.yaml')).toBe(true);
    expect(trusted('file:/srv/one.yaml.bak')).toBe(false);
    expect(trusted('url:/srv/one.yaml')).toBe(false);
    expect(trusted('provider:anything')).toBe(true);
    expect(trusted(undefined)).toBe(false);
    expect(trusted('no-colon')).toBe(false);
    expect(trust(from('file:/tmp/x.yaml'))).toEqual({ trusted: false, reason: expect.stringContaining('read from file:/tmp/x.yaml') });
  });

  it('trusts nothing without rules, and rejects malformed rules naming the factory', () => {
    expect(compileScorecardTrust(undefined, 'test')(from('file:/a.yaml')).trusted).toBe(false);
    expect(() => compileScorecardTrust([{ type: '' }], 'createScorecards')).toThrow(/createScorecards: trustedLocations\[0\]: type must be/);
    expect(() => compileScorecardTrust([{ type: 'file', target: '/a', pattern: '/b' }], 'x')).toThrow(/give a target or a pattern, not both/);
    expect(() => compileScorecardTrust([{ type: 'file', pattern: '' }], 'x')).toThrow(/pattern must be a non-empty string/);
    expect(() => compileScorecardTrust('file' as never, 'x')).toThrow(/trustedLocations must be an array/);
  });
});
