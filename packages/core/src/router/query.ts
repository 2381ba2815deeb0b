/**
 * Every value of a repeated query parameter, in order. Backstage clients send lists as repeated
 * keys (`?filter=kind=component&filter=kind=api`), not comma lists.
 *
 * @example
 * ```ts
 * getQueryArray(new URL('http://x/?filter=a&filter=b'), 'filter'); // ['a', 'b']
 * ```
 */
export function getQueryArray(url: URL | URLSearchParams | string, key: string): string[] {
  const params =
    url instanceof URLSearchParams ? url : url instanceof URL ? url.searchParams : new URL(url, 'http://localhost').searchParams;
  return params.getAll(key);
}
