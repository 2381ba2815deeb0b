import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  InputError,
  type PermissionRule,
  type PolicyOptions,
  type Principal,
  anonymousPrincipal,
  applyConditions,
  createLogger,
  createPermission,
  createPermissionRule,
  createPolicy,
  createPortalAuth,
  errorStatusCode,
  hostPrincipal,
  memorySink,
} from '../index.js';

interface Doc {
  owner: string;
  tags: string[];
}
const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'owned by one of',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ owners: z.array(z.string().min(1)) }),
  apply: (doc: Doc, { owners }) => owners.includes(doc.owner),
  toQuery: ({ owners }) => ({ owner: owners }),
});
const hasTag = createPermissionRule({
  name: 'HAS_TAG',
  description: 'tagged',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ tag: z.string().min(1) }),
  apply: (doc: Doc, { tag }) => doc.tags.includes(tag),
  toQuery: ({ tag }) => ({ tag }),
});
const isAuthor = createPermissionRule({
  name: 'IS_AUTHOR',
  description: 'written by',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ author: z.string().min(1) }),
  apply: (doc: Doc, { author }) => doc.owner === author,
  toQuery: ({ author }) => ({ owner: [author] }),
});
const taskTag = createPermissionRule({
  name: 'HAS_TAG',
  description: 'task tagged',
  resourceType: 'task',
  paramsSchema: z.strictObject({ tag: z.string() }),
  apply: () => true,
  toQuery: () => ({}),
});
const rules = [[isOwner, hasTag], isAuthor];

const readDoc = createPermission({ name: 'doc.read', attributes: { action: 'read' }, resourceType: 'doc' });
const deleteDoc = createPermission({ name: 'doc.delete', attributes: { action: 'delete' }, resourceType: 'doc' });
const publish = createPermission({ name: 'doc.publish', attributes: {} });
const readTask = createPermission({ name: 'task.read', attributes: { action: 'read' }, resourceType: 'task' });
const docsReadAll = createPermission({ name: 'docsx.read', attributes: { action: 'read' } });

const user = (name: string, groups: string[] = []): Principal => ({
  type: 'user',
  subject: `user:default/${name}`,
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, ...groups],
  claims: {},
});
const jane = user('jane', ['group:default/team-payments']);
const admin = user('root', ['group:default/Admins']);
const ci: Principal = { type: 'service', subject: 'ci', ownershipEntityRefs: [], claims: {} };

const build = (statements: PolicyOptions['statements'], extra: Partial<PolicyOptions> = {}) =>
  createPolicy({ rules, statements, ...extra });

function buildError(options: unknown): Error {
  try {
    createPolicy(options as PolicyOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(errorStatusCode(error)).toBe(400);
    return error as Error;
  }
  throw new Error('built');
}

describe('createPolicy', () => {
  it('lets the first matching statement decide, else the default (deny unless given)', async () => {
    const policy = build([
      { permission: 'doc.*', principals: { ownershipEntityRefs: ['group:default/admins'] }, decision: 'allow' },
      { permission: 'doc.delete', decision: 'deny' },
      { permission: ['doc.read', 'doc.publish'], principals: { types: ['user'] }, decision: 'allow' },
      { permission: '*', principals: { subjects: ['ci'] }, actions: ['read'], decision: 'allow' },
    ]);
    expect(await policy(admin, deleteDoc)).toEqual({ result: 'ALLOW' });
    expect(await policy(jane, deleteDoc)).toEqual({ result: 'DENY' });
    expect(await policy(jane, readDoc)).toEqual({ result: 'ALLOW' });
    expect(await policy(jane, publish)).toEqual({ result: 'ALLOW' });
    expect(await policy(anonymousPrincipal(), readDoc)).toEqual({ result: 'DENY' });
    expect(await policy(ci, readTask)).toEqual({ result: 'ALLOW' });
    expect(await policy(ci, publish)).toEqual({ result: 'DENY' });
    expect(await policy(hostPrincipal(), publish)).toEqual({ result: 'DENY' });
    expect(await build([], { default: 'allow' })(jane, deleteDoc)).toEqual({ result: 'ALLOW' });
    expect(await build([])(jane, readDoc)).toEqual({ result: 'DENY' });
  });

  it('matches subjects and ownership refs ignoring case, as entity refs are', async () => {
    const policy = build([
      { permission: 'doc.delete', principals: { subjects: ['User:Default/Ann'] }, decision: 'allow' },
      { permission: 'doc.publish', principals: { ownershipEntityRefs: ['GROUP:default/Team-Payments'] }, decision: 'allow' },
    ]);
    expect(await policy(user('ann'), deleteDoc)).toEqual({ result: 'ALLOW' });
    expect(await policy(jane, deleteDoc)).toEqual({ result: 'DENY' });
    expect(await policy(jane, publish)).toEqual({ result: 'ALLOW' });
    expect(await policy(user('ann'), publish)).toEqual({ result: 'DENY' });
  });

  it('matches a prefix only at a dot', async () => {
    const policy = build([{ permission: 'docs.*', decision: 'allow' }]);
    expect(await policy(jane, docsReadAll)).toEqual({ result: 'DENY' });
    expect(await policy(jane, createPermission({ name: 'docs.read', attributes: {} }))).toEqual({ result: 'ALLOW' });
  });

  it('fills placeholders with the asking principal, and infers resource types from rule names', async () => {
    const policy = build([
      {
        permission: 'doc.read',
        decision: {
          conditions: {
            anyOf: [
              { rule: 'IS_OWNER', params: { owners: '$ownershipEntityRefs' } },
              { rule: 'IS_OWNER', params: { owners: ['group:default/everyone', '$userEntityRef', '$ownershipEntityRefs'] } },
              { rule: 'IS_AUTHOR', resourceType: 'doc', params: { author: '$userEntityRef' } },
            ],
          },
        },
      },
    ]);
    const decision = await policy(jane, readDoc);
    expect(decision).toEqual({
      result: 'CONDITIONAL',
      resourceType: 'doc',
      conditions: {
        anyOf: [
          { resourceType: 'doc', rule: 'IS_OWNER', params: { owners: ['user:default/jane', 'group:default/team-payments'] } },
          {
            resourceType: 'doc',
            rule: 'IS_OWNER',
            params: { owners: ['group:default/everyone', 'user:default/jane', 'user:default/jane', 'group:default/team-payments'] },
          },
          { resourceType: 'doc', rule: 'IS_AUTHOR', params: { author: 'user:default/jane' } },
        ],
      },
    });
    if (decision.result !== 'CONDITIONAL') throw new Error('expected conditions');
    const flat: PermissionRule<Doc, unknown, any>[] = [isOwner, hasTag, isAuthor];
    expect(applyConditions(decision.conditions, { owner: 'group:default/team-payments', tags: [] }, flat)).toBe(true);
    expect(applyConditions(decision.conditions, { owner: 'group:default/team-platform', tags: [] }, flat)).toBe(false);
    // Without a user entity ref, a lone $userEntityRef cannot be filled: the statement denies.
    expect(await policy(anonymousPrincipal(), readDoc)).toEqual({ result: 'DENY' });
    expect(await policy(ci, readDoc)).toEqual({ result: 'DENY' });
  });

  it('gives each principal its own conditions (no state shared between calls)', async () => {
    const policy = build([{ permission: 'doc.read', decision: { conditions: { rule: 'IS_OWNER', params: { owners: '$ownershipEntityRefs' } } } }]);
    const a = await policy(jane, readDoc);
    const b = await policy(anonymousPrincipal(), readDoc);
    expect(b).toEqual({ result: 'CONDITIONAL', resourceType: 'doc', conditions: { resourceType: 'doc', rule: 'IS_OWNER', params: { owners: [] } } });
    expect(a).toMatchObject({ conditions: { params: { owners: jane.ownershipEntityRefs } } });
  });

  it('denies a conditional statement for a permission of another resource type or none', async () => {
    const policy = build([{ permission: '*', decision: { conditions: { rule: 'IS_OWNER', params: { owners: ['x'] } } } }], {
      default: 'allow',
    });
    expect(await policy(jane, readTask)).toEqual({ result: 'DENY' });
    expect(await policy(jane, publish)).toEqual({ result: 'DENY' });
    expect((await policy(jane, readDoc)).result).toBe('CONDITIONAL');
    // A tree without conditions ({ allOf: [] }: always true) takes the permission's resource type.
    const any = build([{ permission: '*', decision: { conditions: { allOf: [] } } }]);
    expect(await any(jane, readTask)).toEqual({ result: 'CONDITIONAL', resourceType: 'task', conditions: { allOf: [] } });
  });

  it('keeps a copy of its options: changing them later changes nothing', async () => {
    const statements: PolicyOptions['statements'] = [{ permission: 'doc.read', principals: { types: ['user'] }, decision: 'allow' }];
    const policy = build(statements);
    (statements[0]!.principals!.types as string[]).push('anonymous');
    (statements as unknown[]).push({ permission: '*', decision: 'allow' });
    expect(await policy(anonymousPrincipal(), readDoc)).toEqual({ result: 'DENY' });
    expect(await policy(jane, publish)).toEqual({ result: 'DENY' });
  });

  it('works through PortalAuth, conditions checked there too', async () => {
    const logs = memorySink();
    const auth = createPortalAuth({
      policy: build([{ permission: 'doc.read', decision: { conditions: { rule: 'HAS_TAG', params: { tag: 'public' } } } }]),
      logger: createLogger({ sink: logs }),
    });
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'x', tags: ['public'] }, [isOwner, hasTag])).toBe(true);
    expect(await auth.authorizeResource(jane, readDoc, { owner: 'x', tags: [] }, [isOwner, hasTag])).toBe(false);
    expect(await auth.authorize(jane, deleteDoc)).toEqual({ result: 'DENY' });
    expect(logs.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('refuses bad statements at build time, naming the statement and the path', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'IS_ADMIN' } } }] }, /statements\[0\]\.decision\.conditions: unknown permission rule "IS_ADMIN"/],
      [
        { rules, statements: [{ permission: 'doc.read', decision: 'allow' }, { permission: 'doc.read', decision: { conditions: { anyOf: [{ rule: 'HAS_TAG', params: { tag: 1 } }] } } }] },
        /Invalid params for permission rule "HAS_TAG" at statements\[1\]\.decision\.conditions\.anyOf\[0\]/,
      ],
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'HAS_TAG', resourceType: 'task', params: { tag: 'x' } } } }] }, /Unknown permission rule "HAS_TAG" for resource type "task" at statements\[0\]/],
      [{ rules: [...rules, taskTag], statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'HAS_TAG', params: { tag: 'x' } } } }] }, /statements\[0\]\.decision\.conditions: rule "HAS_TAG" exists for several resource types/],
      [{ rules: [...rules, taskTag], statements: [{ permission: '*', decision: { conditions: { allOf: [{ rule: 'IS_OWNER', params: { owners: [] } }, { rule: 'HAS_TAG', resourceType: 'task', params: { tag: 'x' } }] } } }] }, /conditions mix resource types/],
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'IS_OWNER', params: { owners: '$ownershipEntityRef' } } } }] }, /statements\[0\]\.decision\.conditions\.params\.owners: unknown placeholder "\$ownershipEntityRef"/],
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'IS_AUTHOR', params: { author: '$ownershipEntityRefs' } } } }] }, /Invalid params for permission rule "IS_AUTHOR" at statements\[0\]/],
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: { allOf: [], not: {} } } }] }, /statements\[0\]\.decision\.conditions: .*only key/],
      [{ rules, statements: [{ permission: 'doc.read', decision: { conditions: {} } }] }, /statements\[0\]\.decision\.conditions: expected allOf/],
      [{ rules, statements: [{ permission: 'doc.read', decision: {} }] }, /statements\[0\]\.decision/],
      [{ rules, statements: [{ permission: 'doc.read', decision: 'ALLOW' }] }, /statements\[0\]\.decision: expected "allow", "deny" or \{ conditions \}/],
      [{ rules, statements: [{ permission: 'doc read', decision: 'allow' }] }, /statements\[0\]\.permission/],
      [{ rules, statements: [{ permission: 'doc.*.read', decision: 'allow' }] }, /statements\[0\]\.permission/],
      [{ rules, statements: [{ permission: [], decision: 'allow' }] }, /statements\[0\]\.permission/],
      [{ rules, statements: [{ decision: 'allow' }] }, /statements\[0\]\.permission/],
      [{ rules, statements: [{ permission: 'doc.read', principals: { types: ['admin'] }, decision: 'allow' }] }, /statements\[0\]\.principals\.types\[0\]/],
      [{ rules, statements: [{ permission: 'doc.read', principals: { types: [] }, decision: 'allow' }] }, /statements\[0\]\.principals\.types/],
      [{ rules, statements: [{ permission: 'doc.read', principals: { groups: ['x'] }, decision: 'allow' }] }, /statements\[0\]\.principals/],
      [{ rules, statements: [{ permission: 'doc.read', decision: 'allow', effect: 'allow' }] }, /statements\[0\]/],
      [{ rules, statements: [{ permission: 'doc.read', actions: ['write'], decision: 'allow' }] }, /statements\[0\]\.actions\[0\]/],
      [{ rules, statements: 'allow all' }, /statements/],
      [{ rules, statements: [], default: 'ALLOW' }, /default/],
      [{ rules: [{ name: 'x' }], statements: [] }, /rules\[0\] is not a permission rule/],
      [{ rules: [isOwner, [isOwner]], statements: [] }, /rule IS_OWNER for doc is given twice/],
    ];
    for (const [options, message] of cases) {
      const error = buildError(options);
      expect(error.message, JSON.stringify(options)).toMatch(/^createPolicy: /);
      expect(error.message, JSON.stringify(options)).toMatch(message);
    }
  });

  it('refuses permission names and prefixes that match no known permission, when told the permissions', async () => {
    const permissions = [readDoc, deleteDoc, publish, readTask];
    const policy = createPolicy({ rules, permissions, statements: [{ permission: ['doc.*', 'task.read', '*'], decision: 'allow' }] });
    expect(await policy(jane, readTask)).toEqual({ result: 'ALLOW' });
    expect(buildError({ rules, permissions, statements: [{ permission: 'doc.raed', decision: 'allow' }] }).message).toBe(
      'createPolicy: statements[0].permission: unknown permission "doc.raed"',
    );
    expect(
      buildError({ rules, permissions, statements: [{ permission: 'doc.read', decision: 'deny' }, { permission: ['doc.read', 'docs.*'], decision: 'allow' }] })
        .message,
    ).toBe('createPolicy: statements[1].permission[1]: no permission matches "docs.*"');
    // Without the list, any well-formed name is taken as it is.
    expect(await build([{ permission: 'doc.raed', decision: 'allow' }])(jane, readDoc)).toEqual({ result: 'DENY' });
  });

  it('refuses conditions too deep to evaluate, as an InputError', () => {
    let conditions: unknown = { rule: 'HAS_TAG', params: { tag: 'x' } };
    for (let i = 0; i < 5000; i++) conditions = { not: conditions };
    expect(buildError({ rules, statements: [{ permission: 'doc.read', decision: { conditions } }] }).message).toMatch(/nested/);
    let params: unknown = 'x';
    for (let i = 0; i < 5000; i++) params = [params];
    expect(buildError({ rules, statements: [{ permission: 'doc.read', decision: { conditions: { rule: 'HAS_TAG', params: { tag: params } } } }] }).message).toMatch(
      /statements\[0\]/,
    );
  });
});
