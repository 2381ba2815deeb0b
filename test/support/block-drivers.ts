import Module from 'node:module';

/** The optional database drivers of portalkit's SQL stores. */
export const DRIVERS = ['pg', '@electric-sql/pglite'] as const;

type Load = (request: string, ...rest: unknown[]) => unknown;

/**
 * Make `require()` of the database drivers fail as it does when they are not installed (a
 * `MODULE_NOT_FOUND` error naming the package), as for an app that uses only memory stores.
 * Returns the function that undoes it.
 */
export function blockDrivers(): () => void {
  const internals = Module as unknown as { _load: Load };
  const original = internals._load;
  internals._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if ((DRIVERS as readonly string[]).includes(request)) {
      throw Object.assign(new Error(`Cannot find module '${request}'\nRequire stack:\n- (blocked by the test)`), { code: 'MODULE_NOT_FOUND' });
    }
    return original.call(this, request, ...rest);
  };
  return () => {
    internals._load = original;
  };
}
