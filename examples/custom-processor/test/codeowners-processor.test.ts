// Tests the processor the way a portal uses it: composed into a real catalog by @portalkit/testing.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPortal } from '@portalkit/testing';
import type { TestPortal } from '@portalkit/testing';
import { codeownersProcessor } from '../src/codeowners-processor.js';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

const component = (name: string, extra: { annotations?: Record<string, string>; owner?: string } = {}) => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations: ${JSON.stringify(extra.annotations ?? {})}
spec:
  type: service
  lifecycle: production
${extra.owner ? `  owner: ${extra.owner}\n` : ''}`;

describe('codeownersProcessor', () => {
  it('gives the demo data owners from CODEOWNERS files and annotations', async () => {
    portal = await createTestPortal({ fixtures: [dataDir], processors: [codeownersProcessor()] });

    const gateway = await portal.catalog.getEntityByRef('component:payments-gateway');
    expect(gateway?.spec?.owner).toBe('group:default/payments');
    expect(gateway?.metadata.annotations?.['acme.io/codeowners']).toBe('@acme/payments @jane');
    expect(gateway?.relations?.filter((r) => r.type === 'ownedBy')).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/payments' },
      { type: 'ownedBy', targetRef: 'user:default/jane' },
    ]);
    // The co-owner sees the entity from its side too.
    const jane = await portal.catalog.getEntityByRef('user:jane');
    expect(jane?.relations).toContainEqual({ type: 'ownerOf', targetRef: 'component:default/payments-gateway' });

    const checkout = await portal.catalog.getEntityByRef('component:checkout-service');
    expect(checkout?.spec?.owner).toBe('checkout');
    expect(checkout?.relations?.filter((r) => r.type === 'ownedBy').map((r) => r.targetRef).sort()).toEqual([
      'group:default/checkout',
      'group:default/payments',
    ]);
    expect(await portal.processingErrors()).toEqual([]);
  });

  it('reports handles that are no user or team where they were written, and keeps the entity', async () => {
    portal = await createTestPortal({
      processors: [codeownersProcessor()],
      files: {
        'catalog-info.yaml': component('ledger', { annotations: { 'acme.io/codeowners': 'ops@acme.com @acme/finance' } }),
        'repo/catalog-info.yaml': component('invoices'),
        'repo/.github/CODEOWNERS': '# owners\n* @acme/finance not-a-handle\n',
      },
      locations: ['./catalog-info.yaml', './repo/catalog-info.yaml'],
    });
    const errors = await portal.processingErrors();
    const byRef = Object.fromEntries(errors.map((e) => [e.entityRef, e]));
    expect(byRef['component:default/ledger']).toMatchObject({
      served: true,
      errors: [{ rule: 'codeowners-handle', path: 'metadata.annotations.acme.io/codeowners', message: expect.stringContaining('ops@acme.com') }],
    });
    expect(byRef['component:default/invoices']?.errors).toEqual([
      expect.objectContaining({ rule: 'codeowners-handle', line: 2, file: expect.stringMatching(/repo\/\.github\/CODEOWNERS$/) }),
    ]);
    // The valid handle still made them valid entities.
    expect((await portal.catalog.getEntityByRef('component:ledger'))?.spec?.owner).toBe('group:default/finance');
    expect((await portal.catalog.getEntityByRef('component:invoices'))?.spec?.owner).toBe('group:default/finance');
  });

  it('flags an owner that CODEOWNERS does not list', async () => {
    portal = await createTestPortal({
      processors: [codeownersProcessor()],
      entities: [component('search', { owner: 'group:default/platform', annotations: { 'acme.io/codeowners': '@acme/search' } })],
    });
    const [report] = await portal.processingErrors();
    expect(report?.entityRef).toBe('component:default/search');
    expect(report?.errors).toEqual([expect.objectContaining({ rule: 'codeowners-mismatch', path: 'spec.owner' })]);
    const search = await portal.catalog.getEntityByRef('component:search');
    expect(search?.relations).toContainEqual({ type: 'ownedBy', targetRef: 'group:default/search' });
  });

  it('leaves entities alone when there is nothing to read, so validation still reports a missing owner', async () => {
    portal = await createTestPortal({ processors: [codeownersProcessor()], entities: [component('orphan')] });
    const [report] = await portal.processingErrors();
    expect(report).toMatchObject({ entityRef: 'component:default/orphan', served: false });
    expect(JSON.stringify(report?.errors)).toContain('owner');
  });

  it('only looks at the configured kinds and annotation', async () => {
    portal = await createTestPortal({
      processors: [codeownersProcessor({ kinds: ['API'], annotation: 'github.com/codeowners' })],
      entities: [component('orders', { owner: 'sales', annotations: { 'github.com/codeowners': '@acme/other' } })],
    });
    expect(await portal.processingErrors()).toEqual([]);
    expect((await portal.catalog.getEntityByRef('component:orders'))?.relations).not.toContainEqual({
      type: 'ownedBy',
      targetRef: 'group:default/other',
    });
  });
});
