import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  NotAllowedError,
  type AuditEvent,
  type PermissionCondition,
  type PermissionPolicy,
  type Principal,
  anonymousPrincipal,
  createLogger,
  createPermission,
  createPermissionRule,
  createPortalAuth,
  hostPrincipal,
  memorySink,
} from '../index.js';

interface Doc {
  owner: string;
  tags: string[];
}
const ownerRule = createPermissionRule({
  name: 'IS_OWNER',
  description: 'owned by one of',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ owners: z.array(z.string()) }),
  apply: (doc: Doc, { owners }) => owners.includes(doc.owner),
  toQuery: ({ owners }) => ({ owner: owners }),
});
const explodingRule = createPermissionRule({
  name: 'EXPLODES',
  description: 'throws',
  resourceType: 'doc',
  paramsSchema: z.object({}),
  apply: (): boolean => {
    throw new Error('boom');
  },
  toQuery: () => ({}),
});
const rules = [ownerRule, explodingRule];
const readDoc = createPermission({ name: 'doc.read', attributes: { action: 'read' }, resourceType: 'doc' });
const deleteDoc = createPermission({ name: 'doc.delete', attributes: { action: 'delete' }, resourceType: 'doc' });
const runJob = createPermission({ name: 'job.run', attributes: {} });
const jane: Principal = {
  type: 'user',
  subject: 'user:default/jane',
  userEntityRef: 'user:default/jane',
  ownershipEntityRefs: ['user:default/jane'],
  claims: {},
};
const owned = (owners: string[]): PermissionCondition => ({ resourceType: 'doc', rule: 'IS_OWNER', params: { owners } });

function setup(policy?: PermissionPolicy, extra: Parameters<typeof createPortalAuth>[0] = {}) {
  const logs = memorySink();
  const auth = createPortalAuth({ policy, logger: createLogger({ sink: logs, level: 'debug' }), ...extra });
  return { auth, logs, errors: () => logs.records.filter((r) => r.level === 'error').map((r) => r.message) };
}

describe('createPortalAuth: authorize', () => {
  it('allows everything without a policy, for every principal', async () => {
    const { auth } = setup();
    expect(auth.hasPolicy).toBe(false);
    for (const principal of [anonymousPrincipal(), jane, hostPrincipal()]) {
      expect(await auth.authorize(principal, deleteDoc)).toEqual({ result: 'ALLOW' });
    }
    await expect(auth.assertAllowed(anonymousPrincipal(), runJob)).resolves.toBeUndefined();
  });

  it('denies and logs when the policy throws or rejects, never allows', async () => {
    for (const policy of [
      () => {
        throw new Error('policy bug');
      },
      async () => {
        throw new Error('policy bug');
      },
      () => Promise.reject('not even an error'),
    ] as PermissionPolicy[]) {
      const { auth, errors } = setup(policy);
      expect(await auth.authorize(jane, readDoc)).toEqual({ result: 'DENY' });
      expect(errors()).toEqual(['permission policy failed; denying']);
      await expect(auth.assertAllowed(jane, runJob)).rejects.toThrow(NotAllowedError);
      expect(await auth.authorizeResource(jane, readDoc, { owner: 'user:default/jane', tags: [] }, rules)).toBe(false);
    }
  });

  it('denies a malformed decision', async () => {
    const malformed: unknown[] = [
      undefined,
      null,
      'ALLOW',
      true,
      {},
      { result: 'allow' },
      { result: 'MAYBE' },
      { result: ['ALLOW'] },
      {
        get result() {
          throw new Error('getter');
        },
      },
      { result: 'CONDITIONAL', resourceType: 'doc' },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: null },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: 'IS_OWNER' },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: { allOf: owned(['x']) } },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: { rule: 'IS_OWNER', resourceType: 'other' } },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: { anyOf: [], rule: 'IS_OWNER', resourceType: 'doc' } },
      { result: 'CONDITIONAL', resourceType: 'doc', conditions: { rule: 'IS_OWNER', resourceType: 'doc', params: [1] } },
    ];
    for (const [i, decision] of malformed.entries()) {
      const { auth, errors } = setup(() => decision as never);
      expect(await auth.authorize(jane, readDoc), `case ${i}`).toEqual({ result: 'DENY' });
      expect(errors()).toHaveLength(1);
    }
  });

  it('keeps only the result of an ALLOW or DENY, and a copy of conditions the policy cannot change later', async () => {
    const conditions = { anyOf: [owned(['user:default/jane'])] };
    const { auth } = setup(() => ({ result: 'CONDITIONAL', resourceType: 'doc', conditions, extra: 'x' }) as never);
    const decision = await auth.authorize(jane, readDoc);
    conditions.anyOf.push(owned(['user:default/mallory']));
    (conditions.anyOf[0]!.params!.owners as string[]).push('user:default/mallory');
    expect(decision).toEqual({ result: 'CONDITIONAL', resourceType: 'doc', conditions: { anyOf: [owned(['user:default/jane'])] } });
    const { auth: a2 } = setup(() => ({ result: 'ALLOW', conditions: 'ignored' }) as never);
    expect(await a2.authorize(jane, runJob)).toEqual({ result: 'ALLOW' });
  });

  it('denies conditions for the wrong resource type, or for a basic permission', async () => {
    const { auth, errors } = setup(() => ({ result: 'CONDITIONAL', resourceType: 'catalog-entity', conditions: { allOf: [] } }));
    expect(await auth.authorize(jane, readDoc)).toEqual({ result: 'DENY' });
    expect(await auth.authorize(jane, runJob)).toEqual({ result: 'DENY' });
    expect(errors()).toEqual([
      'permission policy returned conditions for the wrong resource type; denying',
      'permission policy returned conditions for the wrong resource type; denying',
    ]);
    const basic = setup(() => ({ result: 'CONDITIONAL', resourceType: 'doc', conditions: { allOf: [] } }));
    expect(await basic.auth.authorize(jane, runJob)).toEqual({ result: 'DENY' });
  });

  it('denies a service principal outside its scopes before asking the policy', async () => {
    let asked = 0;
    const { auth } = setup(() => {
      asked++;
      return { result: 'ALLOW' };
    });
    const ci: Principal = { type: 'service', subject: 'ci', ownershipEntityRefs: [], claims: {}, scopes: ['doc.read', 'job.*'] };
    expect(await auth.authorize(ci, deleteDoc)).toEqual({ result: 'DENY' });
    expect(asked).toBe(0);
    expect(await auth.authorize(ci, readDoc)).toEqual({ result: 'ALLOW' });
    expect(await auth.authorize(ci, runJob)).toEqual({ result: 'ALLOW' });
    const none: Principal = { ...ci, scopes: [] };
    expect(await setup().auth.authorize(none, readDoc)).toEqual({ result: 'DENY' });
  });

  it('applies conditions to one resource, and denies when a rule is unknown or throws', async () => {
    const { auth, errors } = setup(() => ({ result: 'CONDITIONAL', resourceType: 'doc', conditions: owned(['user:default/jane']) }));
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'user:default/jane', tags: [] }, rules)).toBe(true);
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'user:default/bob', tags: [] }, rules)).toBe(false);
    await expect(auth.assertAllowed(jane, readDoc)).rejects.toThrow(NotAllowedError);
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'user:default/jane', tags: [] }, [explodingRule])).toBe(false);
    expect(errors()).toEqual(['permission conditions could not be applied; denying']);
    const throwing = setup(() => ({ result: 'CONDITIONAL', resourceType: 'doc', conditions: { not: { resourceType: 'doc', rule: 'EXPLODES' } } }));
    expect(await throwing.auth.authorizeResource(jane, readDoc, { owner: 'x', tags: [] }, rules)).toBe(false);
  });

  it('denies when an unknown rule sits behind a branch that already decides (the whole tree is checked first)', async () => {
    const unknown = { resourceType: 'doc', rule: 'NO_SUCH_RULE' };
    const { auth, errors } = setup(() => ({ result: 'CONDITIONAL', resourceType: 'doc', conditions: { anyOf: [{ allOf: [] }, unknown] } }));
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'user:default/jane', tags: [] }, rules)).toBe(false);
    expect(errors()).toEqual(['permission conditions could not be applied; denying']);
  });
});

describe('createPortalAuth: identify and requestId', () => {
  it('identifies each request once, and rejects the same way for bad credentials', async () => {
    let calls = 0;
    const { auth } = setup(undefined, {
      identify: async (request) => {
        calls++;
        if (request.headers.get('authorization') === 'Bearer bad') throw new AuthenticationError('bad token');
        return jane;
      },
    });
    const request = new Request('http://portal.test/');
    const [a, b] = await Promise.all([auth.identify(request), auth.identify(request)]);
    expect(a).toBe(b);
    expect(await auth.identify(request)).toBe(a);
    expect(calls).toBe(1);
    await auth.identify(new Request('http://portal.test/'));
    expect(calls).toBe(2);
    const bad = new Request('http://portal.test/', { headers: { authorization: 'Bearer bad' } });
    await expect(auth.identify(bad)).rejects.toThrow(AuthenticationError);
    await expect(auth.identify(bad)).rejects.toThrow(AuthenticationError);
    expect(calls).toBe(3);
  });

  it('identifies as anonymous by default, and turns a synchronous throw into a rejection', async () => {
    expect(await setup().auth.identify(new Request('http://portal.test/'))).toEqual(anonymousPrincipal());
    const { auth } = setup(undefined, {
      identify: () => {
        throw new AuthenticationError('sync');
      },
    });
    const result = auth.identify(new Request('http://portal.test/'));
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow('sync');
  });

  it('takes a sane x-request-id, generates one otherwise, stable per request', () => {
    const { auth } = setup();
    const given = new Request('http://portal.test/', { headers: { 'x-request-id': 'abc-123.x:y' } });
    expect(auth.requestId(given)).toBe('abc-123.x:y');
    for (const bad of ['', 'has space', 'a'.repeat(129), '<script>', 'a\tb', 'é'.normalize('NFD').replace(/[^\x20-\x7e]/g, '%')]) {
      const request = new Request('http://portal.test/', { headers: { 'x-request-id': bad } });
      const id = auth.requestId(request);
      expect(id, bad).toMatch(/^[0-9a-f-]{36}$/);
      expect(auth.requestId(request)).toBe(id);
    }
    const plain = new Request('http://portal.test/');
    expect(auth.requestId(plain)).toBe(auth.requestId(plain));
    expect(auth.requestId(plain)).not.toBe(auth.requestId(new Request('http://portal.test/')));
  });
});

describe('createPortalAuth: audit', () => {
  it('writes one event to every sink with actor, request id and error, and survives sinks that throw', async () => {
    const events: AuditEvent[] = [];
    const { auth, errors } = setup(undefined, {
      audit: [
        () => {
          throw new Error('sink down');
        },
        async () => {
          throw new Error('sink down async');
        },
        (event) => {
          events.push(event);
        },
      ],
    });
    const request = new Request('http://portal.test/', { headers: { 'x-request-id': 'req-1' } });
    await expect(
      auth.audit({
        plugin: 'docs',
        action: 'doc.delete',
        target: 'doc:1',
        outcome: 'denied',
        principal: jane,
        request,
        error: new NotAllowedError('Not allowed: doc.delete'),
        meta: { reason: 'policy' },
      }),
    ).resolves.toBeUndefined();
    expect(events).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        plugin: 'docs',
        action: 'doc.delete',
        actor: { type: 'user', subject: 'user:default/jane' },
        target: 'doc:1',
        outcome: 'denied',
        requestId: 'req-1',
        error: 'NotAllowedError: Not allowed: doc.delete',
        meta: { reason: 'policy' },
      },
    ]);
    expect(errors()).toEqual(['audit sink failed', 'audit sink failed']);
  });

  it('logs audit events by default, without a request id when there is no request', async () => {
    const { auth, logs } = setup();
    await auth.audit({ plugin: 'jobs', action: 'job.run', target: 'job:nightly', outcome: 'success', principal: hostPrincipal() });
    const record = logs.records.find((r) => r.message === 'audit');
    expect(record?.fields).toMatchObject({ action: 'job.run', actor: { type: 'service', subject: 'host' }, outcome: 'success' });
    expect(record?.fields).not.toHaveProperty('requestId');
  });
});
