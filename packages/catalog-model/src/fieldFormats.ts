import type { FieldValidators } from './types.js';

/*
 * Field format predicates, matching @backstage/catalog-model's KubernetesValidatorFunctions,
 * CommonValidatorFunctions and makeValidator() defaults rule for rule (including its quirks:
 * names allow `_` and `.` inside, tags allow `:`, `+` and `#`).
 */

const dnsLabelPattern = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
const objectNamePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const kindPattern = /^[a-zA-Z][a-z0-9A-Z]*$/;
const apiVersionSuffixPattern = /^[a-z0-9A-Z]+$/;
const tagPattern = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

function isValidDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && dnsLabelPattern.test(value);
}

// Dot-separated DNS labels in one regex; label lengths are then checked without splitting.
const dnsSubdomainPattern = /^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$/;

function isValidDnsSubdomain(value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 253 || !dnsSubdomainPattern.test(value)) {
    return false;
  }
  if (value.length <= 63) return true;
  let start = 0;
  for (let dot = value.indexOf('.'); dot !== -1; dot = value.indexOf('.', start)) {
    if (dot - start > 63) return false;
    start = dot + 1;
  }
  return value.length - start <= 63;
}

function isValidObjectName(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && objectNamePattern.test(value);
}

// `<suffix>` or `<prefix>/<suffix>`; more than one slash is invalid.
function isValidPrefixAndOrSuffix(
  value: unknown,
  isValidPrefix: (part: string) => boolean,
  isValidSuffix: (part: string) => boolean,
): boolean {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash === -1) return isValidSuffix(value);
  if (value.indexOf('/', slash + 1) !== -1) return false;
  return isValidPrefix(value.slice(0, slash)) && isValidSuffix(value.slice(slash + 1));
}

function isValidApiVersionSuffix(part: string): boolean {
  return part.length >= 1 && part.length <= 63 && apiVersionSuffixPattern.test(part);
}

/**
 * The default field format predicates, identical in behaviour to Backstage's `makeValidator()`.
 *
 * @example
 * ```ts
 * defaultFieldValidators.isValidEntityName('my_service.v2'); // true
 * defaultFieldValidators.isValidNamespace('Team-A'); // false (uppercase)
 * ```
 */
export const defaultFieldValidators: FieldValidators = Object.freeze({
  isValidApiVersion: (value: unknown) =>
    isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidApiVersionSuffix),
  isValidKind: (value: unknown) =>
    typeof value === 'string' && value.length >= 1 && value.length <= 63 && kindPattern.test(value),
  isValidEntityName: isValidObjectName,
  isValidNamespace: isValidDnsLabel,
  isValidLabelKey: (value: unknown) => isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidObjectName),
  isValidLabelValue: (value: unknown) => value === '' || isValidObjectName(value),
  isValidAnnotationKey: (value: unknown) =>
    isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidObjectName),
  isValidAnnotationValue: (value: unknown) => typeof value === 'string',
  isValidTag: (value: unknown) =>
    typeof value === 'string' && value.length >= 1 && value.length <= 63 && tagPattern.test(value),
});

/**
 * Whether a link URL parses as an absolute URL (WHATWG rules, same as `new URL(value)`).
 *
 * @example
 * ```ts
 * isValidUrl('https://example.com'); // true
 * isValidUrl('/relative'); // false
 * ```
 */
export function isValidUrl(value: unknown): boolean {
  return typeof value === 'string' && URL.canParse(value);
}

/**
 * Whether a value is a string with a non-whitespace character (link titles and icons).
 *
 * @example
 * ```ts
 * isNonEmptyString('  '); // false
 * ```
 */
export function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length >= 1;
}

/** Human expectation per predicate, worded like Backstage's FieldFormatEntityPolicy. */
export const fieldExpectations: Record<keyof FieldValidators | 'isValidUrl' | 'isNonEmptyString', string> = {
  isValidApiVersion: 'a valid prefix and/or suffix, e.g. backstage.io/v1alpha1',
  isValidKind: 'a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total',
  isValidEntityName:
    'a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total',
  isValidNamespace: 'a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total',
  isValidLabelKey: 'a valid prefix and/or suffix, e.g. example.com/my-label',
  isValidLabelValue:
    'a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total',
  isValidAnnotationKey: 'a valid prefix and/or suffix, e.g. example.com/my-annotation',
  isValidAnnotationValue: 'a string',
  isValidTag: 'a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total',
  isValidUrl: 'a string that is a valid url',
  isNonEmptyString: 'a non empty string',
};
