import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog';
import type { EntityProcessor, LocationSpec, ProcessorEmit } from '@portalkit/catalog';
import { defaultOwners, handleToRef, parseCodeowners } from './codeowners.js';

/** Options of {@link codeownersProcessor}. */
export interface CodeownersProcessorOptions {
  /** Annotation holding the GitHub handles; default `acme.io/codeowners`. */
  annotation?: string;
  /** Kinds the processor looks at; default the kinds that have a `spec.owner`. */
  kinds?: string[];
}

const OWNED_KINDS = ['Component', 'API', 'Resource', 'System', 'Domain'];

/**
 * Owners from GitHub's CODEOWNERS: the handles come from the entity's `acme.io/codeowners`
 * annotation, or else from the repository-wide (`*`) rule of a `CODEOWNERS` or
 * `.github/CODEOWNERS` file beside the entity's catalog file.
 *
 * - an entity without `spec.owner` gets the first owner (before validation, so it is valid);
 * - every further owner becomes an `ownedBy`/`ownerOf` relation pair (co-owners);
 * - a handle that is no user or team, or a `spec.owner` that CODEOWNERS does not list, is
 *   recorded as a processing error; the entity is still served.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ processors: [codeownersProcessor()], locations: [{ type: 'file', target: './catalog-info.yaml' }] });
 * ```
 */
export function codeownersProcessor(options: CodeownersProcessorOptions = {}): EntityProcessor {
  const annotation = options.annotation ?? 'acme.io/codeowners';
  const kinds = new Set((options.kinds ?? OWNED_KINDS).map((k) => k.toLowerCase()));
  const annotationPath = `metadata.annotations.${annotation}`;

  /** The valid owner refs of a list of handles; bad handles are reported through `emit`. */
  const resolve = (handles: string[], emit: ProcessorEmit, where: { file?: string; line?: number; path?: string }) =>
    handles.flatMap((handle) => {
      const ref = handleToRef(handle);
      if (!ref) emit.error(`codeowners: ${handle} is not a GitHub user (@name) or team (@org/team)`, { ...where, rule: 'codeowners-handle' });
      return ref ? [ref] : [];
    });

  return {
    name: 'codeowners',

    // Before validation: report bad handles where they were written and fill in a missing owner.
    async preProcess(entity, location, emit) {
      if (!kinds.has(entity.kind.toLowerCase())) return;
      let handles = splitHandles(entity.metadata.annotations?.[annotation]);
      let refs: string[];
      if (handles) {
        refs = resolve(handles, emit, { path: annotationPath });
      } else {
        const file = await readCodeowners(location);
        if (!file) return;
        const rules = parseCodeowners(file.text);
        handles = defaultOwners(rules);
        if (!handles.length) return;
        const line = rules.findLast((r) => r.owners === handles)?.line;
        refs = resolve(handles, emit, { file: file.path, ...(line ? { line } : {}) });
        // Record what was found, so the catalog shows it and postProcess reads it like a written annotation.
        entity = { ...entity, metadata: { ...entity.metadata, annotations: { ...entity.metadata.annotations, [annotation]: handles.join(' ') } } };
      }
      if (entity.spec?.owner === undefined && refs[0]) return { ...entity, spec: { ...entity.spec, owner: refs[0] } };
      return entity;
    },

    // After validation: `spec.owner` is known to be a valid ref.
    postProcess(entity, _location, emit) {
      if (!kinds.has(entity.kind.toLowerCase())) return;
      const handles = splitHandles(entity.metadata.annotations?.[annotation]);
      if (!handles) return;
      // Bad handles were reported by preProcess.
      const refs = handles.flatMap((handle) => handleToRef(handle) ?? []);
      if (!refs.length) return;
      const self = stringifyEntityRef(entity);
      const owner =
        typeof entity.spec?.owner === 'string'
          ? stringifyEntityRef(parseEntityRef(entity.spec.owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }))
          : undefined;
      if (owner && !refs.includes(owner)) {
        emit.error(`codeowners: spec.owner ${owner} is not listed in CODEOWNERS (${handles.join(' ')})`, { path: 'spec.owner', rule: 'codeowners-mismatch' });
      }
      for (const ref of new Set(refs)) {
        if (ref === owner) continue;
        emit.relation({ source: self, type: 'ownedBy', target: ref });
        emit.relation({ source: ref, type: 'ownerOf', target: self });
      }
    },
  };
}

function splitHandles(value: string | undefined): string[] | undefined {
  const handles = value?.split(/[\s,]+/).filter(Boolean);
  return handles?.length ? handles : undefined;
}

/** `CODEOWNERS` or `.github/CODEOWNERS` beside a `file` location; `undefined` when there is none. */
async function readCodeowners(location: LocationSpec): Promise<{ path: string; text: string } | undefined> {
  if (location.type !== 'file') return undefined;
  const dir = path.dirname(location.target);
  for (const candidate of [path.join(dir, 'CODEOWNERS'), path.join(dir, '.github', 'CODEOWNERS')]) {
    try {
      return { path: candidate, text: await readFile(candidate, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}
