import { CustomErrorBase } from '../../errors.js';

/**
 * A verified token could not be turned into a principal because the host's mapping failed:
 * `toPrincipal` or `resolveOwnership` threw (anything but an `AuthenticationError`,
 * `NotAllowedError` or `ServiceUnavailableError`), `toPrincipal`
 * returned something that is not a `Principal`, or `resolveOwnership` resolved to something
 * that is not a list of refs. A bug of the host, not of the caller, so HTTP 500. Its message
 * names what failed (error name, schema paths) but never the token or claim values.
 *
 * @example
 * ```ts
 * if (error instanceof PrincipalMappingError) logger.error('fix toPrincipal', { error });
 * ```
 */
export class PrincipalMappingError extends CustomErrorBase {
  override name = 'PrincipalMappingError' as const;
}
