import {
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
  type Principal,
  applyConditions,
  createLogger,
  createPortalAuth,
  memorySink,
  validateConditions,
} from '@portalkit/core';
import {
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  type TaskRecord,
  type TaskSpec,
  type TaskStore,
  createScaffolder,
  memoryTaskStore,
  pgliteTaskStore,
  postgresTaskStore,
  scaffolderTaskRules,
} from '@portalkit/scaffolder';
import { openPglite } from '@portalkit/sql';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import '../support/fast-check-seed.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

/*
 * `scaffolder.task.read` conditions pushed into the task stores' queries: random task sets
 * (creators with case and Unicode variants, tasks without a creator) and random decisions
 * (IS_TASK_OWNER trees with allOf/anyOf/not, empty groups and lists, allow, deny, unknown rules),
 * and `forPrincipal(...).listTasks` pages, totals and `getTask` compared with a brute-force
 * `applyConditions` over every task, on memory, PGlite and PostgreSQL.
 */

const skipPg = await postgresSkipReason();
const RUNS = 15;

const creators = ['user:default/jane', 'user:default/Jane', 'user:default/bob', 'group:default/team', 'user:default/ünï', 'user:default/jane ', ''];
const creatorArb = fc.option(fc.constantFrom(...creators), { nil: undefined });

const ownerArb: fc.Arbitrary<PermissionCondition> = fc
  .subarray(creators)
  .map((createdBy) => ({ resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK, rule: 'IS_TASK_OWNER', params: { createdBy } }));
const { tree: criteriaArb } = fc.letrec<{ tree: PermissionCriteria<PermissionCondition> }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    ownerArb,
    fc.array(tie('tree'), { maxLength: 3 }).map((allOf) => ({ allOf })),
    fc.array(tie('tree'), { maxLength: 3 }).map((anyOf) => ({ anyOf })),
    tie('tree').map((not) => ({ not })),
  ),
}));
const unknownRule: PermissionCondition = { resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK, rule: 'IS_TASK_OWNR', params: {} };
const decisionArb: fc.Arbitrary<PolicyDecision> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<PolicyDecision>({ result: 'ALLOW' }, { result: 'DENY' }) },
  { weight: 8, arbitrary: criteriaArb.map((conditions): PolicyDecision => ({ result: 'CONDITIONAL', resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK, conditions })) },
  { weight: 1, arbitrary: criteriaArb.map((c): PolicyDecision => ({ result: 'CONDITIONAL', resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK, conditions: { anyOf: [c, { not: unknownRule }] } })) },
);

function bruteVisible(decision: PolicyDecision, task: TaskRecord): boolean {
  if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
  try {
    validateConditions(decision.conditions, scaffolderTaskRules);
    return applyConditions(decision.conditions, task, scaffolderTaskRules);
  } catch {
    return false;
  }
}

const spec: TaskSpec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } };
const jane: Principal = { type: 'user', subject: 'user:default/jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: [], claims: {} };

async function check(store: TaskStore, tasks: Array<string | undefined>, decision: PolicyDecision, limit: number) {
  const created: TaskRecord[] = [];
  for (const createdBy of tasks) created.push(await store.createTask({ spec, ...(createdBy !== undefined ? { createdBy } : {}) }));
  // Bad conditions are logged (and denied); kept out of the test output.
  const logger = createLogger({ sink: memorySink() });
  const auth = createPortalAuth({ policy: () => decision, audit: () => {}, logger });
  const view = createScaffolder({ actions: [], taskStore: store, auth, logger }).forPrincipal(jane);
  const expected = created.filter((t) => bruteVisible(decision, t)).map((t) => t.id);

  const seen: string[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await view.listTasks({ limit, offset });
    expect(page.totalTasks).toBe(expected.length);
    seen.push(...page.tasks.map((t) => t.id));
    if (page.tasks.length < limit) break;
  }
  expect(seen.length).toBe(new Set(seen).size);
  expect([...seen].sort()).toEqual([...expected].sort());
  for (const task of created) expect({ id: task.id, visible: (await view.getTask(task.id)) !== undefined }).toEqual({ id: task.id, visible: expected.includes(task.id) });
}

const caseArb = fc.tuple(fc.array(creatorArb, { maxLength: 9 }), decisionArb, fc.integer({ min: 1, max: 4 }));

describe('scaffolder.task.read conditions in the task stores', () => {
  it('memory matches brute force over random policies', async () => {
    await fc.assert(fc.asyncProperty(caseArb, ([tasks, decision, limit]) => check(memoryTaskStore(), tasks, decision, limit)), { numRuns: RUNS * 2 });
  });

  // An in-memory database through the SQL layer (the root has no direct PGlite dependency).
  const { db, close } = openPglite('differential', {}, 'unused');
  afterAll(close);
  let n = 0;
  it('PGlite matches brute force over random policies', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ([tasks, decision, limit]) => {
        const schema = `differential_${++n}`;
        try {
          await check(pgliteTaskStore({ pglite: db, schema }), tasks, decision, limit);
        } finally {
          await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.skipIf(skipPg)(`PostgreSQL matches brute force over random policies${skipPg ? ` (${skipPg})` : ''}`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ([tasks, decision, limit]) => {
        const schema = randomSchema();
        const store = postgresTaskStore({ connectionString: pgUrl, schema });
        try {
          await check(store, tasks, decision, limit);
        } finally {
          await store.close?.();
          await dropSchema(schema);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
