import type { ScaffolderUser, TemplateEntity } from '../types.js';

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
  /** Resolve `template:default/my-template` to a template (e.g. from the catalog or disk). */
  getTemplate(ref: string): Promise<TemplateEntity | unknown | undefined>;
  /** Who is calling; becomes `${{ user.* }}` and the task's `createdBy`. */
  getUser?(request: Request): Promise<ScaffolderUser | undefined> | ScaffolderUser | undefined;
  /** Largest accepted request body; default 5 MB (dry runs carry template files). */
  maxBodyBytes?: number;
}
