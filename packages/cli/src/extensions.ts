import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '@portalkit/core';
import type { EntityProcessor } from '@portalkit/catalog';
import type { ScaffolderAction } from '@portalkit/scaffolder';
import type { CliIo, OptionSpec } from './command.js';
import { displayPath } from './display-path.js';
import { UsageError } from './usage-error.js';

/**
 * Custom scaffolder actions and catalog processors loaded from the host's own modules
 * (`--actions`, `--config`, or `portalkit.config.{js,mjs,cjs}` in the working directory).
 *
 * @example
 * ```ts
 * const extensions: CliExtensions = { actions: [], processors: [], files: [], actionSources: new Map() };
 * ```
 */
export interface CliExtensions {
  actions: ScaffolderAction[];
  processors: EntityProcessor[];
  /** The modules they came from, as shown to the user. */
  files: string[];
  /** Which module defined each action id. */
  actionSources: ReadonlyMap<string, string>;
}

/** `--actions <file>` (repeatable) and `--config <file>`, shared by every command that loads extensions. */
export const extensionOptions = {
  actions: { type: 'string', value: 'file', multiple: true, description: 'A module exporting `actions` and/or `processors` (repeatable)' },
  config: { type: 'string', value: 'file', description: 'A portalkit config module (default: portalkit.config.{js,mjs,cjs} in the working directory, if any)' },
} as const satisfies Record<string, OptionSpec>;

const CONFIG_NAMES = ['portalkit.config.js', 'portalkit.config.mjs', 'portalkit.config.cjs'];

/**
 * Load the extensions named by `--actions` and `--config` (or found as `portalkit.config.*` in
 * `io.cwd` when `--config` is not given). Each module exports `actions` (scaffolder actions made
 * with `createAction`) and/or `processors` (catalog `EntityProcessor`s), as named exports or as
 * keys of its default export. Every problem names the file: a missing file is a `UsageError`; a
 * module that throws while loading, or exports the wrong shapes, an `InputError`. An action id
 * defined by two modules is an `InputError` naming both.
 *
 * @example
 * ```ts
 * const { actions, processors } = await loadCliExtensions({ actions: ['./actions.js'] }, io);
 * ```
 */
export async function loadCliExtensions(values: { actions?: string[]; config?: string }, io: CliIo): Promise<CliExtensions> {
  const files: Array<{ shown: string; absolute: string }> = [];
  if (values.config !== undefined) {
    files.push({ shown: values.config, absolute: await existingFile(values.config, '--config', io.cwd) });
  } else {
    for (const name of CONFIG_NAMES) {
      const absolute = path.join(io.cwd, name);
      if (await isFile(absolute)) {
        files.push({ shown: name, absolute });
        break;
      }
    }
  }
  for (const file of values.actions ?? []) files.push({ shown: file, absolute: await existingFile(file, '--actions', io.cwd) });

  const actionFiles = new Map<string, string>();
  const result: CliExtensions = { actions: [], processors: [], files: [], actionSources: actionFiles };
  for (const { shown, absolute } of files) {
    const loaded = await loadModule(shown, absolute);
    for (const action of loaded.actions) {
      const previous = actionFiles.get(action.id);
      if (previous) throw new InputError(`${shown}: action ${action.id} is also defined by ${previous}`);
      actionFiles.set(action.id, shown);
      result.actions.push(action);
    }
    result.processors.push(...loaded.processors);
    result.files.push(displayPath(absolute, io.cwd));
    io.stderr.write(`loaded ${displayPath(absolute, io.cwd)}: ${plural(loaded.actions.length, 'action')}, ${plural(loaded.processors.length, 'processor')}\n`);
  }
  return result;
}

/**
 * The built-in actions plus the loaded ones; an extension redefining a built-in id is an
 * `InputError` naming its module (the scaffolder would only say "duplicate action id").
 *
 * @example
 * ```ts
 * const actions = withExtensionActions(builtinActions({ catalog }), extensions);
 * ```
 */
export function withExtensionActions(builtin: readonly ScaffolderAction[], extensions: CliExtensions): ScaffolderAction[] {
  const ids = new Set(builtin.map((a) => a.id));
  for (const action of extensions.actions) {
    if (ids.has(action.id)) throw new InputError(`${extensions.actionSources.get(action.id)}: action ${action.id} is a built-in action; choose another id`);
  }
  return [...builtin, ...extensions.actions];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function existingFile(file: string, option: string, cwd: string): Promise<string> {
  const absolute = path.resolve(cwd, file);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new UsageError(`${option} ${file}: no such file`);
  if (!info.isFile()) throw new UsageError(`${option} ${file}: not a file`);
  return absolute;
}

async function loadModule(shown: string, absolute: string): Promise<{ actions: ScaffolderAction[]; processors: EntityProcessor[] }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new InputError(`${shown}: the module failed to load: ${reason}`, { cause: error });
  }
  // Named exports, or a default export holding the keys (CommonJS `module.exports = { ... }` too).
  const fallback = mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : {};
  const actions = mod.actions ?? fallback.actions;
  const processors = mod.processors ?? fallback.processors;
  if (actions === undefined && processors === undefined) {
    throw new InputError(`${shown}: exports neither \`actions\` nor \`processors\` (named, or as keys of the default export)`);
  }
  return {
    actions: listOf(actions, shown, 'actions', isAction, 'a scaffolder action (make it with createAction from @portalkit/scaffolder)'),
    processors: listOf(processors, shown, 'processors', isProcessor, 'a catalog processor ({ name, and readLocation, preProcess, validate or postProcess })'),
  };
}

function listOf<T>(value: unknown, shown: string, key: string, check: (v: unknown) => v is T, expected: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(`${shown}: \`${key}\` must be an array, got ${describe(value)}`);
  value.forEach((item, index) => {
    if (!check(item)) throw new InputError(`${shown}: ${key}[${index}] is not ${expected}; got ${describe(item)}`);
  });
  return value as T[];
}

function isAction(value: unknown): value is ScaffolderAction {
  const action = value as Partial<ScaffolderAction> | null;
  return !!action && typeof action === 'object' && typeof action.id === 'string' && typeof action.handler === 'function' && typeof action.parseInput === 'function';
}

const PROCESSOR_HOOKS = ['readLocation', 'preProcess', 'validate', 'postProcess'] as const;

function isProcessor(value: unknown): value is EntityProcessor {
  const processor = value as Record<string, unknown> | null;
  return (
    !!processor &&
    typeof processor === 'object' &&
    typeof processor.name === 'string' &&
    PROCESSOR_HOOKS.some((hook) => typeof processor[hook] === 'function') &&
    PROCESSOR_HOOKS.every((hook) => processor[hook] === undefined || typeof processor[hook] === 'function')
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`;
  return typeof value === 'function' ? 'a function' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
