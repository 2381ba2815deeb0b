import { lockDataDir as sqlLockDataDir, openPglite as sqlOpenPglite } from '@portalkit/sql';
import { describe, expect, it } from 'vitest';
import { lockDataDir, openPglite } from '../../index.js';

// docs/storage.md documented these two as @portalkit/catalog exports; users' imports keep working.
describe('deprecated SQL re-exports of @portalkit/catalog', () => {
  it('lockDataDir and openPglite are the @portalkit/sql functions', () => {
    expect(lockDataDir).toBe(sqlLockDataDir);
    expect(openPglite).toBe(sqlOpenPglite);
  });
});
