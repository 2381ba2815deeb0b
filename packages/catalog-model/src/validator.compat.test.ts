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

describe('metadata.links[].url schemes', () => {
  // Backstage accepts any URL `new URL()` parses, script schemes included; so does portalkit
  // (parity), and whatever renders links must allow-list schemes (the example portal shows only
  // http(s)/mailto as links). A change here is a deliberate decision, not a drive-by.
  test.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', '\tjavascript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:x'])(
    'accepts %j as Backstage does',
    async (url) => {
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'linked', links: [{ url }] },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      };
      expect((await createBackstageValidator()(entity)).ok).toBe(true);
      expect(createEntityValidator().validate(entity).ok).toBe(true);
    },
  );
});
