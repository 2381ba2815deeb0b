/**
 * Secret taint. Objects holding secrets are marked: wholly (the task's `secrets`, step outputs
 * holding a secret, `each` items derived from one) or member by member (an action input whose
 * `values.token` a template derived from a secret). Copies keep the marks. The templater notes
 * when a render reads a marked member, or hands an object containing one to a filter, a loop or
 * a function: whatever that render produced came from a secret and is redacted whole, whatever
 * its length. Primitives cannot be marked, which is why taint lives on the objects a template
 * must read them through.
 */
const wholly = new WeakSet<object>();
const byKey = new WeakMap<object, Set<string>>();

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** Mark an object, and so everything read through it, as holding secrets. */
export function markSecret<T extends object>(value: T): T {
  wholly.add(value);
  return value;
}

/** Mark one member of an object as holding a secret. */
export function markSecretKey(value: object, key: string): void {
  let keys = byKey.get(value);
  if (!keys) byKey.set(value, (keys = new Set()));
  keys.add(key);
}

/** True for an object marked whole by {@link markSecret}. */
export function isSecret(value: unknown): boolean {
  return isObject(value) && wholly.has(value);
}

/** True when reading `key` of `value` reads a secret. */
export function readsSecret(value: unknown, key: string): boolean {
  return isObject(value) && (wholly.has(value) || (byKey.get(value)?.has(key) ?? false));
}

/** True when `value` is, or contains at any depth, a marked object or member. */
export function containsSecret(value: unknown, depth = 0): boolean {
  if (!isObject(value) || depth > 64) return false;
  if (wholly.has(value) || byKey.has(value)) return true;
  for (const child of Object.values(value)) if (containsSecret(child, depth + 1)) return true;
  return false;
}

/** Give `to` (a copy of `from`) the marks of `from`. */
export function copyMarks(from: object, to: object): void {
  if (wholly.has(from)) wholly.add(to);
  const keys = byKey.get(from);
  if (keys) byKey.set(to, new Set(keys));
}

/**
 * Mark every member below `value` that is one of `strings` or contains one, so a later render
 * reading it is tainted. Returns whether `value` holds one.
 */
export function markHolders(value: unknown, strings: ReadonlySet<string>, depth = 0): boolean {
  if (typeof value === 'string') return strings.has(value);
  if (typeof value === 'number' || typeof value === 'boolean') return strings.has(String(value));
  if (!isObject(value) || depth > 64) return false;
  let holds = false;
  for (const [key, child] of Object.entries(value)) {
    if (markHolders(child, strings, depth + 1)) {
      markSecretKey(value, key);
      holds = true;
    }
  }
  return holds;
}
