import { Type } from 'js-yaml';

/**
 * A value `mkdocs.yml` wrote with a PyYAML Python tag (`!!python/name:pymdownx.slugs.uslugify`,
 * `!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}`): the tag after
 * `python/` and the data under it. Kept, not run: the options that name a Python function
 * (`toc: slugify`) are read from it, and a config written back (monorepo merges) keeps its tags.
 *
 * @example
 * ```ts
 * const value = load('!!python/name:pymdownx.slugs.gfm', { schema: mkdocsYamlSchema });
 * value instanceof PythonTagged && value.tag; // 'name:pymdownx.slugs.gfm'
 * ```
 */
export class PythonTagged {
  constructor(
    readonly tag: string,
    readonly data: unknown,
  ) {}
}

const prefix = 'tag:yaml.org,2002:python/';

const kindOf = (data: unknown): 'scalar' | 'sequence' | 'mapping' =>
  Array.isArray(data) ? 'sequence' : data !== null && typeof data === 'object' ? 'mapping' : 'scalar';

/** js-yaml types reading (and writing back) every `!!python/...` tag as a {@link PythonTagged}. */
export const pythonTagTypes = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new Type(prefix, {
      kind,
      multi: true,
      // `!!python/str`, `!!python/list` and the like (no `:`) are plain values, kept as written.
      construct: (data: unknown, tag?: string) => {
        const name = (tag ?? prefix).slice(prefix.length);
        return name.includes(':') ? new PythonTagged(name, data) : data;
      },
      instanceOf: PythonTagged,
      predicate: (value: unknown) => value instanceof PythonTagged && kindOf(value.data) === kind,
      represent: (value: object) => {
        const data = (value as PythonTagged).data;
        return (kind === 'scalar' ? String(data ?? '') : data) as object;
      },
      representName: (value: object) => prefix + (value as PythonTagged).tag,
    }),
);
