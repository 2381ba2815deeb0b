import { describe, expect, test } from 'vitest';
import { createBackstageValidator } from './__testkit__/backstage.js';
import { generateEntities } from './__testkit__/generateEntities.js';
import { createEntityValidator } from './index.js';

describe('createEntityValidator agrees with Backstage', () => {
  test.each([1, 2, 3])('on generated entities of every kind (seed %i)', async (seed) => {
    const entities = generateEntities({ count: 400, seed, invalidRate: 0.6 });
    const ours = createEntityValidator();
    const backstage = createBackstageValidator();
    const disagreements: string[] = [];
    let accepted = 0;
    for (const entity of entities) {
      const expected = await backstage(entity);
      const actual = ours.validate(entity);
      if (actual.ok) accepted++;
      if (actual.ok !== expected.ok) {
        disagreements.push(
          `${JSON.stringify(entity)}\n  backstage: ${expected.ok ? 'accept' : `reject (${expected.reason})`}\n  ours: ${
            actual.ok ? 'accept' : actual.errors.map((e) => e.message).join('; ')
          }`,
        );
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The generator must exercise both outcomes, or the comparison proves nothing.
    expect(accepted).toBeGreaterThan(80);
    expect(entities.length - accepted).toBeGreaterThan(80);
  });
});
