import { CommonValidatorFunctions, makeValidator } from '@backstage/catalog-model';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defaultFieldValidators, isNonEmptyString, isValidUrl } from './index.js';
import type { FieldValidators } from './index.js';

// Characters that matter to the patterns, so random strings hit both outcomes often.
const alphabet = 'aZ09-_.:/+# \tÄ'.split('');
const interesting = fc.oneof(
  fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '/'), minLength: 60, maxLength: 260 }),
  fc.constantFrom('', 'a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(63)}.b/c`, `${'a'.repeat(64)}.b/c`, 'backstage.io/v1alpha1'),
);

describe('field format predicates match @backstage/catalog-model makeValidator()', () => {
  const backstage = makeValidator();
  const names = Object.keys(defaultFieldValidators) as Array<keyof FieldValidators>;

  test.each(names)('%s', (name) => {
    fc.assert(
      fc.property(fc.oneof(interesting, fc.anything()), (value) => {
        expect(defaultFieldValidators[name](value)).toBe(backstage[name](value));
      }),
      { numRuns: 1500 },
    );
  });

  test('isValidUrl and isNonEmptyString', () => {
    const urls = fc.oneof(fc.webUrl(), interesting, fc.constantFrom('mailto:a@b.c', 'http://', 'x:', '//host/p'));
    fc.assert(
      fc.property(urls, (value) => {
        expect(isValidUrl(value)).toBe(CommonValidatorFunctions.isValidUrl(value));
        expect(isNonEmptyString(value)).toBe(CommonValidatorFunctions.isNonEmptyString(value));
      }),
      { numRuns: 1000 },
    );
  });
});
