import { fieldExpectations, isNonEmptyString, isValidUrl } from '../fieldFormats.js';
import type { FieldValidators } from '../types.js';
import { describe, formatIssue, isObject, show } from './issues.js';
import type { Issue, PlainObject, Segment } from './issues.js';

/*
 * Envelope checks: Backstage's SchemaValidEntityPolicy (types, required fields, minLength) and
 * FieldFormatEntityPolicy (formats) for apiVersion, kind and metadata, merged into one pass that
 * reports every problem instead of throwing at the first.
 */

/**
 * Check `metadata` (name, namespace, uid, etag, title, description, labels, annotations, tags,
 * links) and append every problem to `issues`.
 *
 * @example
 * ```ts
 * checkMetadata({ name: 'a b' }, defaultFieldValidators, issues); // issues: metadata.name name-format
 * ```
 */
export function checkMetadata(metadata: PlainObject, fields: FieldValidators, issues: Issue[]): void {
  const { name, namespace, labels, annotations, tags, links } = metadata;
  if (name === undefined) issues.push({ path: ['metadata', 'name'], rule: 'required', detail: 'is required' });
  else if (typeof name !== 'string') {
    issues.push({ path: ['metadata', 'name'], rule: 'type', detail: `must be string, got ${describe(name)}` });
  } else if (!fields.isValidEntityName(name)) {
    issues.push(formatIssue(['metadata', 'name'], 'name-format', name, 'isValidEntityName'));
  }
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') {
      issues.push({ path: ['metadata', 'namespace'], rule: 'type', detail: `must be string, got ${describe(namespace)}` });
    } else if (!fields.isValidNamespace(namespace)) {
      issues.push(formatIssue(['metadata', 'namespace'], 'namespace-format', namespace, 'isValidNamespace'));
    }
  }
  for (const key of ['uid', 'etag', 'title'] as const) {
    const value = metadata[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      issues.push({ path: ['metadata', key], rule: 'type', detail: `must be string, got ${describe(value)}` });
    } else if (value.length === 0) {
      issues.push({ path: ['metadata', key], rule: 'non-empty', detail: 'must not be empty' });
    }
  }
  const description = metadata['description'];
  if (description !== undefined && typeof description !== 'string') {
    issues.push({ path: ['metadata', 'description'], rule: 'type', detail: `must be string, got ${describe(description)}` });
  }
  if (labels !== undefined) checkStringMap('labels', labels, fields, issues);
  if (annotations !== undefined) checkStringMap('annotations', annotations, fields, issues);
  if (tags !== undefined) {
    if (!Array.isArray(tags)) {
      issues.push({ path: ['metadata', 'tags'], rule: 'type', detail: `must be array, got ${describe(tags)}` });
    } else {
      for (let i = 0; i < tags.length; i++) {
        const tag: unknown = tags[i];
        if (typeof tag !== 'string') {
          issues.push({ path: ['metadata', 'tags', i], rule: 'type', detail: `must be string, got ${describe(tag)}` });
        } else if (!fields.isValidTag(tag)) {
          issues.push(formatIssue(['metadata', 'tags', i], 'tag-format', tag, 'isValidTag'));
        }
      }
    }
  }
  if (links !== undefined) checkLinks(links, issues);
}

function checkStringMap(
  field: 'labels' | 'annotations',
  map: unknown,
  fields: FieldValidators,
  issues: Issue[],
): void {
  if (!isObject(map)) {
    issues.push({ path: ['metadata', field], rule: 'type', detail: `must be object, got ${describe(map)}` });
    return;
  }
  const isLabels = field === 'labels';
  const keyRule = isLabels ? 'label-key-format' : 'annotation-key-format';
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    const value = map[key];
    if (!(isLabels ? fields.isValidLabelKey(key) : fields.isValidAnnotationKey(key))) {
      issues.push({
        path: ['metadata', field, key],
        rule: keyRule,
        detail: `key ${show(key)} is not valid, expected ${fieldExpectations[isLabels ? 'isValidLabelKey' : 'isValidAnnotationKey']}`,
      });
    }
    if (typeof value !== 'string') {
      issues.push({ path: ['metadata', field, key], rule: 'type', detail: `must be string, got ${describe(value)}` });
    } else if (isLabels ? !fields.isValidLabelValue(value) : !fields.isValidAnnotationValue(value)) {
      issues.push(
        formatIssue(
          ['metadata', field, key],
          isLabels ? 'label-value-format' : 'annotation-value-format',
          value,
          isLabels ? 'isValidLabelValue' : 'isValidAnnotationValue',
        ),
      );
    }
  }
}

function checkLinks(links: unknown, issues: Issue[]): void {
  if (!Array.isArray(links)) {
    issues.push({ path: ['metadata', 'links'], rule: 'type', detail: `must be array, got ${describe(links)}` });
    return;
  }
  for (let i = 0; i < links.length; i++) {
    const link: unknown = links[i];
    if (!isObject(link)) {
      issues.push({ path: ['metadata', 'links', i], rule: 'type', detail: `must be object, got ${describe(link)}` });
      continue;
    }
    const url = link['url'];
    if (url === undefined) issues.push({ path: ['metadata', 'links', i, 'url'], rule: 'required', detail: 'is required' });
    else if (typeof url !== 'string') {
      issues.push({ path: ['metadata', 'links', i, 'url'], rule: 'type', detail: `must be string, got ${describe(url)}` });
    } else if (!isValidUrl(url)) {
      issues.push(formatIssue(['metadata', 'links', i, 'url'], 'url-format', url, 'isValidUrl'));
    }
    for (const key of ['title', 'icon', 'type'] as const) {
      const value = link[key];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        issues.push({ path: ['metadata', 'links', i, key], rule: 'type', detail: `must be string, got ${describe(value)}` });
      } else if (key === 'type' ? value.length === 0 : !isNonEmptyString(value)) {
        // Backstage's FieldFormatEntityPolicy rejects whitespace-only titles and icons too.
        issues.push({ path: ['metadata', 'links', i, key], rule: 'non-empty', detail: 'must not be empty' });
      }
    }
  }
}

/**
 * Check a required string field against a format predicate; reports and returns false when it fails.
 *
 * @example
 * ```ts
 * const ok = checkFormat(raw.kind, ['kind'], 'kind-format', 'isValidKind', defaultFieldValidators, issues);
 * ```
 */
export function checkFormat(
  value: unknown,
  path: Segment[],
  rule: string,
  predicate: 'isValidApiVersion' | 'isValidKind',
  fields: FieldValidators,
  issues: Issue[],
): boolean {
  if (value === undefined) issues.push({ path, rule: 'required', detail: 'is required' });
  else if (typeof value !== 'string') issues.push({ path, rule: 'type', detail: `must be string, got ${describe(value)}` });
  else if (!fields[predicate](value)) issues.push(formatIssue(path, rule, value, predicate));
  else return true;
  return false;
}
