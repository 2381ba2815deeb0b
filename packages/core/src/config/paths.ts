/** A path into a config tree: object keys and array indexes. */
export type KeyPath = ReadonlyArray<string | number>;

/** `catalog.locations[0].target` style, as users write it. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** An unambiguous map key for a path (a NUL can't appear in YAML keys that matter here). */
export function joinKey(path: KeyPath): string {
  return path.map(String).join('\u0000');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
