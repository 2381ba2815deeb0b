import { z } from 'zod';

/*
 * Building blocks shared by the built-in kind schemas. Backstage's kind JSON schemas use
 * `type: string, minLength: 1` for every scalar field and arrays of those for ref lists, and
 * allow unknown spec keys; these helpers encode exactly that.
 */

export const nonEmpty = z.string().min(1);
export const refList = z.array(nonEmpty);
export const jsonObject = z.record(z.string(), z.unknown());

export const profileSchema = z.looseObject({
  displayName: nonEmpty.optional(),
  email: nonEmpty.optional(),
  picture: nonEmpty.optional(),
});

export const backstageApiVersions = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;
