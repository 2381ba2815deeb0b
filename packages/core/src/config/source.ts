import type { KeyPath } from './paths.js';
import { joinKey } from './paths.js';

/** Where a config value came from, for error messages. */
export interface Origin {
  source: string;
  /** Computed only when an error needs it: locating a key is a scan of the file. */
  line?: () => number | undefined;
}

/** What `loadConfig` remembers about a config tree it returned. */
export interface ConfigSource {
  /** The directory the files were read from: relative paths in the config resolve against it. */
  dir: string;
  origins: ReadonlyMap<string, Origin>;
}

// Keyed by the returned object itself, so the config stays a plain object (it is handed to
// plugins, logged, spread) and the memory goes with it.
const sources = new WeakMap<object, ConfigSource>();

export function rememberConfigSource(config: unknown, source: ConfigSource): void {
  if (typeof config === 'object' && config !== null) sources.set(config, source);
}

export function configSourceOf(config: unknown): ConfigSource | undefined {
  return typeof config === 'object' && config !== null ? sources.get(config) : undefined;
}

/** The origin of `path`, or of its nearest parent with one (a missing key has no line of its own). */
export function originOf(origins: ReadonlyMap<string, Origin>, path: KeyPath): Origin | undefined {
  for (let n = path.length; n >= 0; n--) {
    const origin = origins.get(joinKey(path.slice(0, n)));
    if (origin) return origin;
  }
  return undefined;
}
