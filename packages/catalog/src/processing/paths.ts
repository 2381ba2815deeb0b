/** How a location is written in annotations and location keys: `type:target`. */
export function stringifyLocationRef(location: { type: string; target: string }): string {
  return `${location.type}:${location.target}`;
}

/** Parse `type:target` (the first colon splits), or `undefined` when it has no type. */
export function parseLocationRef(ref: string | undefined): { type: string; target: string } | undefined {
  if (!ref) return undefined;
  const i = ref.indexOf(':');
  if (i <= 0) return undefined;
  return { type: ref.slice(0, i), target: ref.slice(i + 1) };
}

/** Whether a file target is a glob pattern rather than one path. */
export function isGlob(target: string): boolean {
  return /[*?[\]{}]/.test(target);
}
