// The demo policy's table (docs/permissions.md, "The demo policy"), asked through createPortalAuth
// as every package asks it, with the real catalog and scaffolder permissions and rules.
import { describe, expect, it } from 'vitest';
import { anonymousPrincipal, createPortalAuth, type Principal } from '@portalkit/core';
import {
  catalogEntityDeletePermission,
  catalogEntityPermissionRules,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
  type Entity,
} from '@portalkit/catalog-model';
import {
  scaffolderActionExecutePermission,
  scaffolderTaskCreatePermission,
  scaffolderTaskReadPermission,
  scaffolderTaskRules,
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateRules,
  scaffolderTemplateStepReadPermission,
} from '@portalkit/scaffolder';
import { createLogger, memorySink } from '@portalkit/core';
import { createDemoPolicy } from './index.js';

const user = (name: string, groups: string[]): Principal => ({
  type: 'user',
  subject: `user:default/${name}`,
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, ...groups.map((g) => `group:default/${g}`)],
  claims: {},
});
const anonymous = anonymousPrincipal();
const payments = user('alan.turing', ['team-payments', 'engineering']);
const platform = user('ada.lovelace', ['team-platform']);
const entity = (labels?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'x', ...(labels ? { labels } : {}) },
  spec: { type: 'database', owner: 'team-platform' },
});
const restricted = entity({ 'portalkit.dev/restricted': 'platform' });
const tagged = { id: 'provision', action: 'debug:log', 'backstage:permissions': { tags: ['platform'] } };
const untagged = { id: 'validate', action: 'debug:log' };

describe('createDemoPolicy', () => {
  const auth = createPortalAuth({ policy: createDemoPolicy(), logger: createLogger({ sink: memorySink() }) });
  const basic = async (principal: Principal, permission: Parameters<typeof auth.authorize>[1]) => (await auth.authorize(principal, permission)).result;

  it('lets everyone read entities without the restricted label, and only team-platform the others', async () => {
    for (const principal of [anonymous, payments]) {
      expect(await auth.authorizeResource(principal, catalogEntityReadPermission, entity(), catalogEntityPermissionRules)).toBe(true);
      expect(await auth.authorizeResource(principal, catalogEntityReadPermission, entity({ other: 'x' }), catalogEntityPermissionRules)).toBe(true);
      expect(await auth.authorizeResource(principal, catalogEntityReadPermission, restricted, catalogEntityPermissionRules)).toBe(false);
      // Any value of the label restricts, not only `platform`.
      expect(await auth.authorizeResource(principal, catalogEntityReadPermission, entity({ 'portalkit.dev/restricted': 'yes' }), catalogEntityPermissionRules)).toBe(false);
    }
    expect(await auth.authorizeResource(platform, catalogEntityReadPermission, restricted, catalogEntityPermissionRules)).toBe(true);
  });

  it('lets only team-platform read parameter sections and steps tagged platform', async () => {
    for (const permission of [scaffolderTemplateParameterReadPermission, scaffolderTemplateStepReadPermission]) {
      for (const principal of [anonymous, payments]) {
        expect(await auth.authorizeResource(principal, permission, untagged, scaffolderTemplateRules)).toBe(true);
        expect(await auth.authorizeResource(principal, permission, tagged, scaffolderTemplateRules)).toBe(false);
      }
      expect(await auth.authorizeResource(platform, permission, tagged, scaffolderTemplateRules)).toBe(true);
    }
  });

  it('lets signed-in users run templates, read, analyze and register locations and refresh; anonymous only read entities', async () => {
    for (const permission of [scaffolderTaskCreatePermission, catalogLocationCreatePermission, catalogEntityRefreshPermission]) {
      expect(await basic(anonymous, permission)).toBe('DENY');
      expect(await basic(payments, permission)).toBe('ALLOW');
      expect(await basic(platform, permission)).toBe('ALLOW');
    }
    // Locations (server paths, URLs) and their analysis are for signed-in users only.
    for (const permission of [catalogLocationReadPermission, catalogLocationAnalyzePermission]) {
      expect(await basic(anonymous, permission)).toBe('DENY');
      expect(await basic(payments, permission)).toBe('ALLOW');
      expect(await basic(platform, permission)).toBe('ALLOW');
    }
    expect(await auth.authorizeResource(payments, scaffolderActionExecutePermission, { action: 'publish:git', input: {} }, [])).toBe(true);
    expect(await auth.authorizeResource(anonymous, scaffolderActionExecutePermission, { action: 'debug:log', input: {} }, [])).toBe(false);
  });

  it('lets only team-platform delete entities and locations', async () => {
    for (const permission of [catalogEntityDeletePermission, catalogLocationDeletePermission]) {
      const decide = (principal: Principal) =>
        permission.resourceType ? auth.authorizeResource(principal, permission, entity(), catalogEntityPermissionRules) : auth.authorize(principal, permission).then((d) => d.result === 'ALLOW');
      expect(await decide(anonymous)).toBe(false);
      expect(await decide(payments)).toBe(false);
      expect(await decide(platform)).toBe(true);
    }
  });

  it('shows users their own tasks, team-platform every task, anonymous none', async () => {
    const mine = { createdBy: 'user:default/alan.turing' };
    const theirs = { createdBy: 'user:default/grace.hopper' };
    expect(await auth.authorizeResource(payments, scaffolderTaskReadPermission, mine, scaffolderTaskRules)).toBe(true);
    expect(await auth.authorizeResource(payments, scaffolderTaskReadPermission, theirs, scaffolderTaskRules)).toBe(false);
    expect(await auth.authorizeResource(platform, scaffolderTaskReadPermission, theirs, scaffolderTaskRules)).toBe(true);
    expect(await auth.authorizeResource(anonymous, scaffolderTaskReadPermission, mine, scaffolderTaskRules)).toBe(false);
  });
});
