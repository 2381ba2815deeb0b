/** mkdocs-monorepo-plugin's nav entry: `'!include ./path/to/mkdocs.yml'`. */
export const INCLUDE = /^!include\s+(.+)$/;

/** Whether an mkdocs config's nav has `!include` entries at any depth. */
export function hasIncludes(nav: unknown): boolean {
  if (typeof nav === 'string') return INCLUDE.test(nav.trim());
  if (Array.isArray(nav)) return nav.some(hasIncludes);
  if (nav && typeof nav === 'object') return Object.values(nav).some(hasIncludes);
  return false;
}

/**
 * Every `!include` target of a nav, as written.
 * @example
 * ```ts
 * includeTargets(['index.md', { API: '!include ./api/mkdocs.yml' }]); // ['./api/mkdocs.yml']
 * ```
 */
export function includeTargets(nav: unknown, out: string[] = []): string[] {
  if (typeof nav === 'string') {
    const match = INCLUDE.exec(nav.trim());
    if (match) out.push(match[1]!.trim().replace(/^['"]|['"]$/g, ''));
  } else if (Array.isArray(nav)) for (const item of nav) includeTargets(item, out);
  else if (nav && typeof nav === 'object') for (const value of Object.values(nav)) includeTargets(value, out);
  return out;
}

