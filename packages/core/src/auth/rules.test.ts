import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  InputError,
  PermissionRuleError,
  type PermissionCondition,
  type PermissionCriteria,
  applyConditions,
  conditionsToQuery,
  createConditionFactory,
  createPermissionRule,
  errorStatusCode,
  validateConditions,
} from '../index.js';

interface Doc {
  owner: string;
  tags: string[];
}
type Query = { owner: string[] } | { tag: string } | { all: Query[] } | { any: Query[] } | { none: Query };

const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'owned by one of',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ owners: z.array(z.string().min(1)).min(1) }),
  apply: (doc: Doc, { owners }) => owners.includes(doc.owner),
  toQuery: ({ owners }): Query => ({ owner: owners }),
});
const hasTag = createPermissionRule({
  name: 'HAS_TAG',
  description: 'tagged',
  resourceType: 'doc',
  paramsSchema: z.strictObject({ tag: z.string().min(1) }),
  apply: (doc: Doc, { tag }) => doc.tags.includes(tag),
  toQuery: ({ tag }): Query => ({ tag }),
});
const rules = [isOwner, hasTag];
const owner = createConditionFactory(isOwner);
const tag = createConditionFactory(hasTag);
const combine = {
  allOf: (all: Query[]): Query => ({ all }),
  anyOf: (any: Query[]): Query => ({ any }),
  not: (none: Query): Query => ({ none }),
};
const doc: Doc = { owner: 'user:default/jane', tags: ['public'] };

const nested = (depth: number): PermissionCriteria<PermissionCondition> => {
  let node: PermissionCriteria<PermissionCondition> = tag({ tag: 'public' });
  for (let i = 0; i < depth; i++) node = { not: node };
  return node;
};

describe('permission rules', () => {
  it('evaluates and translates the same tree the same way', () => {
    const criteria: PermissionCriteria<PermissionCondition> = {
      anyOf: [owner({ owners: ['user:default/jane'] }), { allOf: [tag({ tag: 'public' }), { not: tag({ tag: 'secret' }) }] }],
    };
    validateConditions(criteria, rules);
    expect(applyConditions(criteria, doc, rules)).toBe(true);
    expect(applyConditions(criteria, { owner: 'user:default/bob', tags: ['public', 'secret'] }, rules)).toBe(false);
    expect(conditionsToQuery(criteria, rules, combine)).toEqual({
      any: [{ owner: ['user:default/jane'] }, { all: [{ tag: 'public' }, { none: { tag: 'secret' } }] }],
    });
    expect(applyConditions({ allOf: [] }, doc, rules)).toBe(true);
    expect(applyConditions({ anyOf: [] }, doc, rules)).toBe(false);
  });

  it('refuses unknown rules, rules of another resource type and bad params with a PermissionRuleError (400) naming the path', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ resourceType: 'doc', rule: 'IS_ADMIN' }, /Unknown permission rule "IS_ADMIN" for resource type "doc" at \$ \(known: IS_OWNER, HAS_TAG\)/],
      [{ allOf: [tag({ tag: 'public' }), { resourceType: 'catalog-entity', rule: 'HAS_TAG', params: { tag: 'x' } }] }, /Unknown .* at \$\.allOf\[1\]/],
      [{ not: { resourceType: 'doc', rule: 'HAS_TAG', params: { tag: 1 } } }, /Invalid params for permission rule "HAS_TAG" at \$\.not: tag:/],
      [{ anyOf: [{ resourceType: 'doc', rule: 'HAS_TAG', params: { tag: 'x', extra: true } }] }, /Invalid params .* at \$\.anyOf\[0\]/],
      [{ resourceType: 'doc', rule: 'IS_OWNER' }, /Invalid params for permission rule "IS_OWNER" at \$: owners:/],
      [{ resourceType: 'doc', rule: 'HAS_TAG', params: ['tag'] }, /Invalid params .* expected an object/],
      [null, /Invalid permission criteria at \$/],
      ['HAS_TAG', /Invalid permission criteria at \$/],
      [[tag({ tag: 'x' })], /Invalid permission criteria at \$/],
      [{ allOf: tag({ tag: 'x' }) }, /at \$\.allOf: expected an array/],
      [{ anyOf: [], not: tag({ tag: 'x' }) }, /must be the node's only key/],
      [{ allOf: [], rule: 'HAS_TAG', resourceType: 'doc' }, /must be the node's only key/],
      [{ resourceType: 'doc', rule: 'HAS_TAG', params: { tag: 'x' }, not: true }, /must be the node's only key/],
      [{ resourceType: 'doc', rule: 'HAS_TAG', params: { tag: 'x' }, negate: true }, /expected allOf, anyOf, not or a rule/],
      [{ rule: 'HAS_TAG', params: { tag: 'x' } }, /expected allOf, anyOf, not or a rule/],
      [{ anyOf: [{ not: null }] }, /at \$\.anyOf\[0\]\.not/],
      [nested(1000), /nested deeper than 32/],
    ];
    for (const [criteria, message] of cases) {
      for (const run of [
        () => validateConditions(criteria as never, rules),
        () => applyConditions(criteria as never, doc, rules),
        () => conditionsToQuery(criteria as never, rules, combine),
      ]) {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(criteria)?.slice(0, 80)).toBeInstanceOf(PermissionRuleError);
        expect(error).toBeInstanceOf(InputError);
        expect(errorStatusCode(error)).toBe(400);
        expect((error as Error).message).toMatch(message);
      }
    }
    // 32 levels are fine.
    expect(applyConditions(nested(31), doc, rules)).toBe(false);
  });

  it('validates every branch, also those evaluation would short-circuit', () => {
    const criteria = { anyOf: [tag({ tag: 'public' }), { resourceType: 'doc', rule: 'NOPE' }] };
    expect(() => validateConditions(criteria, rules)).toThrow(PermissionRuleError);
  });

  it('passes params parsed by the schema to apply and toQuery', () => {
    const trimmed = createPermissionRule({
      name: 'HAS_TAG',
      description: 'tagged (trimmed)',
      resourceType: 'doc',
      paramsSchema: z.object({ tag: z.string().trim() }),
      apply: (d: Doc, { tag: t }) => d.tags.includes(t),
      toQuery: ({ tag: t }): Query => ({ tag: t }),
    });
    const criteria = { resourceType: 'doc', rule: 'HAS_TAG', params: { tag: '  public ' } };
    expect(applyConditions(criteria, doc, [trimmed])).toBe(true);
    expect(conditionsToQuery(criteria, [trimmed], combine)).toEqual({ tag: 'public' });
  });
});
