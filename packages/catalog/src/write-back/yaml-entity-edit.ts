import { InputError, NotFoundError } from '@portalkit/core';
import { isMap, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import type { EntityPatch } from './entity-patch.js';
import { isPlainObject } from './entity-patch.js';

/*
 * Apply an entity patch to the YAML file the entity was read from, in place: only the document
 * of that entity changes, and only at the patched keys, so the file's other documents, its
 * comments and its formatting stay as they were (the `yaml` library keeps them in its document
 * model; js-yaml, used for reading, would drop them).
 */

/** Which entity of a file to change. */
export interface EntityIdentity {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * The text of `yamlText` with `patch` applied to the document of `entity`. Throws `InputError`
 * when the text is not YAML, and `NotFoundError` when no document describes the entity.
 *
 * @example
 * ```ts
 * editEntityInYaml(text, { kind: 'Component', namespace: 'default', name: 'web' }, { spec: { owner: 'team-b' } });
 * ```
 */
export function editEntityInYaml(yamlText: string, entity: EntityIdentity, patch: EntityPatch): string {
  const documents = parseAllDocuments(yamlText, { keepSourceTokens: false, uniqueKeys: true });
  if (!Array.isArray(documents)) throw new InputError('the source is not a YAML document stream');
  const broken = documents.find((d) => d.errors.length > 0);
  if (broken) throw new InputError(`the source is not valid YAML: ${broken.errors[0]!.message.split('\n')[0]}`);
  const target = documents.find((d) => describes(d, entity));
  if (!target) throw new NotFoundError(`no document of the source describes ${entity.kind}:${entity.namespace}/${entity.name}`);
  if (patch.metadata) applyAt(target, ['metadata'], patch.metadata);
  if (patch.spec) applyAt(target, ['spec'], patch.spec);
  // Untouched documents keep their exact text; the changed one prints its own `---` and comments
  // (a first document's leading comments lie before its range, so segments run end to end).
  let out = '';
  let from = 0;
  for (const d of documents) {
    const end = d.range[2];
    out += d === target ? d.toString({ lineWidth: 0 }) : yamlText.slice(from, end);
    from = end;
  }
  return out + yamlText.slice(from);
}

function describes(document: Document, entity: EntityIdentity): boolean {
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // The alias limit throws a plain ReferenceError: the file's author chose it, so it is input.
    throw new InputError(`the source has a document that cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!isPlainObject(value) || !isPlainObject(value['metadata'])) return false;
  const metadata = value['metadata'];
  const namespace = typeof metadata['namespace'] === 'string' && metadata['namespace'] ? metadata['namespace'] : 'default';
  return (
    String(value['kind']).toLowerCase() === entity.kind.toLowerCase() &&
    namespace.toLowerCase() === entity.namespace.toLowerCase() &&
    String(metadata['name']).toLowerCase() === entity.name.toLowerCase()
  );
}

/** Merge-patch the node at `path`: objects merge key by key, `null` deletes, the rest replaces. */
function applyAt(document: Document, path: string[], patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) {
      document.deleteIn(at);
    } else if (isPlainObject(value) && isMap(document.getIn(at, true))) {
      applyAt(document, at, value);
    } else {
      document.setIn(at, value);
    }
  }
}
