import type { PortalAuth, Principal } from '@portalkit/core';
import type { ScaffolderUser, TemplateEntity } from '../types.js';
import type { AutocompleteProvider } from './autocomplete.js';

/**
 * Options of `scaffolder.handler()` and {@link createScaffolderHandler}.
 *
 * @example
 * ```ts
 * const options: ScaffolderHandlerOptions = { basePath: '/api/scaffolder', getTemplate: (ref) => templates.get(ref) };
 * ```
 */
export interface ScaffolderHandlerOptions {
  /** Path prefix the handler is mounted at, e.g. `/api/scaffolder`. */
  basePath?: string;
  /**
   * Resolve `template:default/my-template` to a template (e.g. from the catalog or disk). The
   * caller's principal is given so a host can read the catalog as that principal.
   */
  getTemplate(ref: string, context?: { principal: Principal }): Promise<TemplateEntity | unknown | undefined>;
  /**
   * Who is calling, for portals without a policy (trusted, allow-all): becomes `${{ user.* }}`
   * and the task's `createdBy` when the request's principal has no user entity ref. Ignored under
   * a policy: then the user is the principal's `userEntityRef`, never a host guess.
   */
  getUser?(request: Request): Promise<ScaffolderUser | undefined> | ScaffolderUser | undefined;
  /**
   * Identify requests and decide with this (a function: resolved per request, as the plugin
   * does with the portal's). Default: the scaffolder's own `auth`.
   */
  auth?: PortalAuth | (() => PortalAuth | undefined);
  /** Largest accepted request body; default 5 MB (dry runs carry template files). */
  maxBodyBytes?: number;
  /** Providers of `POST /v2/autocomplete/:provider/:resource`, by their `id` (unique). */
  autocompleteProviders?: AutocompleteProvider[];
}
