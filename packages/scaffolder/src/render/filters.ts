import yaml from 'js-yaml';
import { InputError } from '@portalkit/core';
import { parseEntityRef as parseRef } from '@portalkit/catalog-model';
import type { CompoundEntityRef, EntityRefContext } from '@portalkit/catalog-model';
import type { JsonValue, TemplateFilter } from '../types.js';

/** A repository location as the RepoUrlPicker encodes it: `host?owner=o&repo=r`. */
export interface RepoSpec {
  host: string;
  repo: string;
  owner?: string;
  organization?: string;
  workspace?: string;
  project?: string;
}

/**
 * Parse a RepoUrlPicker value (`github.com?owner=o&repo=r`) into its parts.
 * Throws `InputError` when the host or repo is missing, or when neither an owner nor a
 * workspace/project/organization names where the repo lives.
 *
 * @example
 * ```ts
 * parseRepoUrl('github.com?owner=acme&repo=svc'); // { host: 'github.com', owner: 'acme', repo: 'svc' }
 * ```
 */
export function parseRepoUrl(repoUrl: string): RepoSpec {
  let url: URL;
  try {
    url = new URL(`https://${repoUrl}`);
  } catch {
    throw new InputError(`Invalid repo URL passed to parser, got ${repoUrl}`);
  }
  const host = url.host;
  if (!host) throw new InputError(`Invalid repo URL passed to parser, missing host, got ${repoUrl}`);
  const get = (name: string) => url.searchParams.get(name) ?? undefined;
  const spec: RepoSpec = { host, repo: get('repo') ?? '' };
  for (const key of ['owner', 'organization', 'workspace', 'project'] as const) {
    const value = get(key);
    if (value !== undefined) spec[key] = value;
  }
  if (!spec.repo) throw new InputError(`Invalid repo URL passed to parser, missing repo, got ${repoUrl}`);
  if (!spec.owner && !spec.workspace && !spec.project && !spec.organization) {
    throw new InputError(`Invalid repo URL passed to parser, missing owner, got ${repoUrl}`);
  }
  return spec;
}

/**
 * A parsed entity reference, `{ kind, namespace, name }` (the catalog model's `CompoundEntityRef`).
 *
 * @example
 * ```ts
 * const ref: ParsedEntityRef = parseEntityRef('group:team-a');
 * ```
 */
export type ParsedEntityRef = CompoundEntityRef;

/**
 * Parse `kind:namespace/name` (or `{ kind, namespace, name }`) with optional defaults: the
 * catalog's one ref grammar (`parseEntityRef` of `@portalkit/catalog-model`, Backstage's rules),
 * which the `parseEntityRef` template filter uses too.
 *
 * @example
 * ```ts
 * parseEntityRef('group:team-a'); // { kind: 'group', namespace: 'default', name: 'team-a' }
 * parseEntityRef('team-a', { defaultKind: 'group' });
 * ```
 */
export const parseEntityRef: (
  ref: string | { kind?: string; namespace?: string; name: string },
  defaults?: EntityRefContext,
) => ParsedEntityRef = parseRef;

/**
 * Read a nested property by a dot path (`pick('metadata.name')`), like lodash `get`.
 * @example
 * ```ts
 * pick({ metadata: { name: 'a' } }, 'metadata.name'); // 'a'
 * ```
 */
export function pick(value: JsonValue | undefined, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const part of String(path).split(/[.[\]]/).filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, JsonValue>)[part];
  }
  return current;
}

/**
 * A value as one line of YAML, safe to write after `key: ` or `- ` in a YAML file: strings are
 * always double-quoted with escapes (a line break becomes `\n`, so a value can never start a
 * new key, a new document (`---`) or a comment), numbers, booleans and `null` stay plain, and
 * lists and maps become one-line flow collections (`["a", "b"]`). Do not wrap it in quotes.
 *
 * @example
 * ```ts
 * yamlScalar('a\n---\nkind: Scorecard'); // '"a\\n---\\nkind: Scorecard"'
 * yamlScalar(8080); // '8080'
 * ```
 */
export function yamlScalar(value: JsonValue | undefined): string {
  const text = yaml.dump(value ?? null, { flowLevel: 0, lineWidth: -1, forceQuotes: true, quotingType: '"', noRefs: true });
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * The filters every scaffolder template has: Backstage's `parseRepoUrl`, `parseEntityRef`,
 * `pick`, `projectSlug`, and `yamlScalar` (see {@link yamlScalar}) for writing values into YAML
 * files: `description: ${{ values.description | yamlScalar }}`.
 * @example
 * ```ts
 * const render = createTemplater({ filters: defaultFilters() });
 * render('${{ "github.com?owner=o&repo=r" | projectSlug }}', {}); // 'o/r'
 * ```
 */
export function defaultFilters(): Record<string, TemplateFilter> {
  return {
    parseRepoUrl: (url) => parseRepoUrl(String(url)) as unknown as JsonValue,
    parseEntityRef: (ref, defaults) =>
      parseEntityRef(
        ref as string,
        (defaults && typeof defaults === 'object' ? defaults : {}) as { defaultKind?: string },
      ) as unknown as JsonValue,
    pick: (value, path) => pick(value, String(path)),
    projectSlug: (url) => {
      const { owner, repo } = parseRepoUrl(String(url));
      return `${owner}/${repo}`;
    },
    yamlScalar: (value) => yamlScalar(value),
  };
}
