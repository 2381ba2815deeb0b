import { InputError } from './errors.js';

/**
 * Run `fn` over `items` with at most `limit` calls in flight, and resolve with the results in the
 * order of `items` (not of completion).
 *
 * When a call fails, no further item is started; the calls already running are awaited, and then
 * the returned promise rejects with the first failure. So nothing started by `mapLimit` is still
 * running once it settles (no file is written, no row stored after the caller has seen the error).
 * A `limit` that is not a positive integer (or `Infinity`) is an `InputError`.
 *
 * @example
 * ```ts
 * const pages = await mapLimit(urls, 8, async (url) => (await fetch(url)).text());
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R> | R,
): Promise<R[]> {
  if (!(Number.isInteger(limit) && limit > 0) && limit !== Number.POSITIVE_INFINITY) {
    throw new InputError(`mapLimit: limit must be a positive integer, got ${String(limit)}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Workers never reject, so this waits for every call in flight, also after a failure.
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
