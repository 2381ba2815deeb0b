import { InputError } from './errors.js';

/**
 * A typed key for a service one plugin provides to the plugins after it (the catalog for the
 * scaffolder, TechDocs and search). The producer exports it; `providedBy` names what to add
 * when it is missing.
 * @example
 * ```ts
 * const clockRef: ServiceRef<{ now(): Date }> = createServiceRef({ id: 'clock', providedBy: 'clockPlugin()' });
 * ```
 */
export interface ServiceRef<T> {
  readonly id: string;
  /** What provides it, for the error when nothing did: `catalogPlugin()`. */
  readonly providedBy: string;
  /** Carries `T` for the type checker only; never set. */
  readonly type?: T;
}

/**
 * Create a {@link ServiceRef}.
 * @example
 * ```ts
 * export const clockServiceRef = createServiceRef<{ now(): Date }>({ id: 'clock', providedBy: 'clockPlugin()' });
 * ```
 */
export function createServiceRef<T>(options: { id: string; providedBy: string }): ServiceRef<T> {
  if (!options || typeof options.id !== 'string' || options.id === '') throw new InputError('createServiceRef: id must be a non-empty string');
  if (typeof options.providedBy !== 'string' || options.providedBy === '') {
    throw new InputError(`createServiceRef: providedBy of "${options.id}" must name what provides it`);
  }
  return Object.freeze({ id: options.id, providedBy: options.providedBy });
}

/**
 * Services plugins share while a portal starts: a plugin `provide`s in its `start()`, later
 * plugins `get` (required) or `find` (optional) it.
 * @example
 * ```ts
 * const plugin: PortalPlugin = {
 *   id: 'clock',
 *   start({ services }) {
 *     services.provide(clockServiceRef, { now: () => new Date() });
 *   },
 * };
 * ```
 */
export interface PortalServices {
  /** The service, or an `InputError` naming the plugin that needs it and what to add before it. */
  get<T>(ref: ServiceRef<T>): T;
  /** The service, or `undefined` when no earlier plugin provided it. */
  find<T>(ref: ServiceRef<T>): T | undefined;
  /** Offer a service to the plugins started after this one; one provider per id. */
  provide<T>(ref: ServiceRef<T>, value: T): void;
}

/**
 * The portal's service registry, and a view of it for each plugin (errors name the plugin).
 * @example
 * ```ts
 * const registry = createServiceRegistry();
 * const services = registry.forPlugin('scaffolder');
 * ```
 */
export function createServiceRegistry(): { forPlugin(pluginId: string): PortalServices } {
  const provided = new Map<string, { value: unknown; by: string }>();
  return {
    forPlugin(pluginId) {
      const find = <T>(ref: ServiceRef<T>) => provided.get(ref.id)?.value as T | undefined;
      return {
        find,
        get(ref) {
          if (!provided.has(ref.id)) {
            throw new InputError(`plugin "${pluginId}" needs the ${ref.id} service: add ${ref.providedBy} before it in createPortal's plugins`);
          }
          return find(ref)!;
        },
        provide(ref, value) {
          const existing = provided.get(ref.id);
          if (existing) throw new InputError(`plugin "${pluginId}" provides the ${ref.id} service, already provided by plugin "${existing.by}"`);
          provided.set(ref.id, { value, by: pluginId });
        },
      };
    },
  };
}
