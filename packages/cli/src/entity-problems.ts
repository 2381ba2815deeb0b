import { InputError, locateYamlPath, parseYamlDocuments } from '@portalkit/core';
import { builtinRelations } from '@portalkit/catalog';
import type { Entity, EntityValidator } from '@portalkit/catalog';
import { isEntityLike } from './files.js';
import { resolveLocalPlaceholders } from './placeholders.js';

/**
 * One problem of an entity file, as `portalkit validate` prints it.
 *
 * @example
 * ```ts
 * const p: EntityProblem = { file: 'catalog-info.yaml', line: 5, column: 3, entityRef: 'component:default/a', path: 'spec.owner', rule: 'required', message: 'is required' };
 * ```
 */
export interface EntityProblem {
  /** As given on the command line (relative to the working directory when below it). */
  file: string;
  line: number;
  column: number;
  /** `kind:namespace/name`, or `null` when the document has no usable kind and name. */
  entityRef: string | null;
  /** Dotted path of the field, `''` for the whole document. */
  path: string;
  /** Stable rule id: the validator's (`required`, `name-format`, ...), `yaml-syntax`, `type`, `relation`, `duplicate`. */
  rule: string;
  message: string;
}

/** Where an entity was first seen, to report duplicates across files. */
export type SeenRefs = Map<string, { file: string; line: number }>;

/**
 * Check every YAML document of one file: syntax, that each document is an object, placeholders
 * (`$text`, `$json`, `$yaml`), the entity validator (envelope, kind schemas, field formats), the
 * refs of relation fields (`spec.owner`, `spec.dependsOn`, ...), and refs defined twice (across
 * all files sharing `seen`). With `skipNonEntities`, a file none of whose documents has an
 * `apiVersion` or `kind` is skipped instead.
 */
export function checkEntityFile(
  source: { file: string; absolute: string; rootDir: string; text: string; skipNonEntities?: boolean },
  validator: EntityValidator,
  seen: SeenRefs,
): { problems: EntityProblem[]; entities: number; skipped?: boolean; valid: Array<{ entity: Entity; line: number }> } {
  const { file, text } = source;
  const problems: EntityProblem[] = [];
  const lines = text.split(/\r?\n/);
  const at = (line: number, key?: string | number) => ({ line, column: columnOf(lines[line - 1] ?? '', key) });

  let docs;
  try {
    docs = parseYamlDocuments(text, { file });
  } catch (error) {
    // Messages are `file:line:column: reason`.
    const message = error instanceof InputError ? error.message : String(error);
    const match = /^.*?:(\d+):(\d+): (.*)$/s.exec(message);
    problems.push({
      file,
      line: match ? Number(match[1]) : 1,
      column: match ? Number(match[2]) : 1,
      entityRef: null,
      path: '',
      rule: 'yaml-syntax',
      message: match ? match[3]!.split('\n')[0]! : message,
    });
    return { problems, entities: 0, valid: [] };
  }

  // Directories hold other YAML too (OpenAPI specs, CI files): skip files with no entity-like document.
  if (source.skipNonEntities && !docs.some((d) => isEntityLike(d.value))) return { problems, entities: 0, skipped: true, valid: [] };

  const valid: Array<{ entity: Entity; line: number }> = [];
  for (const doc of docs) {
    if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      problems.push({ file, ...at(doc.line), entityRef: null, path: '', rule: 'type', message: `expected an entity object, got ${Array.isArray(doc.value) ? 'an array' : typeof doc.value}` });
      continue;
    }
    const placeholders = resolveLocalPlaceholders(doc.value, source.absolute, source.rootDir);
    const docRef = refOf(doc.value);
    for (const p of placeholders.problems) {
      const line = locate(text, doc.line, p.path);
      problems.push({ file, ...at(line, lastKey(p.path)), entityRef: docRef, path: p.path, rule: 'placeholder', message: p.message });
    }
    const result = validator.validate(placeholders.value, { file, yamlText: text, documentLine: doc.line });
    if (!result.ok) {
      const unresolved = new Set(placeholders.problems.map((p) => p.path));
      for (const error of result.errors) {
        // An unresolved placeholder is still an object where a value was expected: said already.
        if (unresolved.has(error.path)) continue;
        const line = error.line ?? doc.line;
        // The validator's message repeats file:line, ref and path in front of the detail.
        const prefix = `${file}:${line}: ${error.ref ? `${error.ref}: ` : ''}${error.path || '<entity>'} `;
        let message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
        if (message.endsWith(` [${error.rule}]`)) message = message.slice(0, -(error.rule.length + 3));
        problems.push({ file, ...at(line, lastKey(error.path)), entityRef: error.ref ?? null, path: error.path, rule: error.rule, message });
      }
      continue;
    }
    const entity: Entity = result.entity;
    const ref = refOf(entity)!;
    valid.push({ entity, line: doc.line });
    try {
      builtinRelations(entity);
    } catch (error) {
      const path = (error as { path?: string }).path ?? 'spec';
      const line = locate(text, doc.line, path);
      const detail = (error as Error).message.startsWith(`${path}: `) ? (error as Error).message.slice(path.length + 2) : (error as Error).message;
      problems.push({ file, ...at(line, lastKey(path)), entityRef: ref, path, rule: 'relation', message: detail });
    }
    const first = seen.get(ref);
    if (first) {
      problems.push({ file, ...at(doc.line), entityRef: ref, path: 'metadata.name', rule: 'duplicate', message: `${ref} is already defined at ${first.file}:${first.line}` });
    } else seen.set(ref, { file, line: doc.line });
  }
  return { problems, entities: docs.length, valid };
}

// The line of a path, or of its deepest ancestor written in the YAML (flow style hides items).
function locate(text: string, documentLine: number, path: string): number {
  const parts = segments(path);
  for (let length = parts.length; length > 0; length--) {
    const line = locateYamlPath(text, documentLine, parts.slice(0, length));
    if (line !== undefined) return line;
  }
  return documentLine;
}

function refOf(value: unknown): string | null {
  const e = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof e.kind !== 'string' || typeof e.metadata?.name !== 'string') return null;
  const namespace = typeof e.metadata.namespace === 'string' ? e.metadata.namespace : 'default';
  return `${e.kind}:${namespace}/${e.metadata.name}`.toLowerCase();
}

/** `spec.links[0].url` -> `['spec', 'links', 0, 'url']`. */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(`"${match[3]}"`) as string);
    else if (match[1] !== undefined) out.push(match[1]);
  }
  return out;
}

function lastKey(path: string): string | number | undefined {
  return segments(path).at(-1);
}

// 1-based column of `key` on its line, else of the line's first character after indentation
// and sequence dashes.
function columnOf(line: string, key: string | number | undefined): number {
  if (typeof key === 'string') {
    const match = new RegExp(`(^|[\\s{,-])["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).exec(line);
    if (match) return match.index + match[1]!.length + 1;
  }
  const content = /^[\s-]*/.exec(line)?.[0].length ?? 0;
  return content + 1;
}
