import { locateYamlPath } from '@portalkit/core';
import type { EntityValidationError, ValidationContext } from '../types.js';
import { formatPath, isObject } from './issues.js';
import type { Issue, Segment } from './issues.js';

/*
 * Turn internal issues into public EntityValidationErrors: the ref, a dotted path, the
 * file:line when the YAML text is known, and one message naming all of them. Only runs for
 * rejected entities, so it may be slow-ish.
 */

/**
 * The public errors for the issues of one rejected entity.
 *
 * @example
 * ```ts
 * reportIssues(raw, [{ path: ['spec', 'owner'], rule: 'required', detail: 'is required' }], { file: 'a.yaml' }, 'default');
 * ```
 */
export function reportIssues(
  input: unknown,
  issues: readonly Issue[],
  context: ValidationContext | undefined,
  defaultNamespace: string,
): EntityValidationError[] {
  const ref = refOf(input, defaultNamespace);
  const file = context?.file;
  const text = context?.yamlText;
  const documentLine = context?.documentLine ?? 1;
  const errors = issues.map((issue): EntityValidationError => {
    const path = formatPath(issue.path);
    let line: number | undefined;
    if (text !== undefined) line = locateLine(text, documentLine, issue.path);
    else if (context?.documentLine !== undefined) line = documentLine;
    const where = file !== undefined ? `${file}${line !== undefined ? `:${line}` : ''}: ` : line !== undefined ? `line ${line}: ` : '';
    const message = `${where}${ref !== undefined ? `${ref}: ` : ''}${path || '<entity>'} ${issue.detail} [${issue.rule}]`;
    const error: EntityValidationError = { path, rule: issue.rule, message };
    if (ref !== undefined) error.ref = ref;
    if (file !== undefined) error.file = file;
    if (line !== undefined) error.line = line;
    return error;
  });
  return errors;
}

// The line of the path, or of its deepest ancestor present in the YAML (a missing required
// field is reported on its parent's line), or the document's first line.
function locateLine(text: string, documentLine: number, path: readonly Segment[]): number {
  for (let length = path.length; length > 0; length--) {
    const line = locateYamlPath(text, documentLine, path.slice(0, length));
    if (line !== undefined) return line;
  }
  return documentLine;
}

function refOf(input: unknown, defaultNamespace: string): string | undefined {
  if (!isObject(input)) return undefined;
  const { kind, metadata } = input;
  if (typeof kind !== 'string' || kind === '' || !isObject(metadata)) return undefined;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || name === '') return undefined;
  const ns = typeof namespace === 'string' && namespace !== '' ? namespace : defaultNamespace;
  return `${kind.toLowerCase()}:${ns.toLowerCase()}/${name.toLowerCase()}`;
}
