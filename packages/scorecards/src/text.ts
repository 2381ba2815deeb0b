import { InputError, hasLoneSurrogate, toStorableText } from '@portalkit/core';

/**
 * Why `value` cannot be stored as text, or undefined when it can. PostgreSQL text holds no NUL
 * and no invalid UTF-16 (a lone surrogate has no UTF-8 form), so such a value is refused by every
 * store alike, memory included, rather than failing only on SQL.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (hasLoneSurrogate(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/** Throw an `InputError` naming `what` unless `value` is a string a store can hold. */
export function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InputError(`${what} must be a string`);
  const problem = textProblem(value);
  if (problem) throw new InputError(`${what} ${problem}`);
}

/** Free text (a check's message) made storable: NUL and lone surrogates become U+FFFD. */
export function storableText(value: string): string {
  return toStorableText(value, '\uFFFD');
}
