import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, createLogger, createPortal, isPathInside, parseYamlDocuments } from '@portalkit/core';
import type { Handler, Logger, Portal } from '@portalkit/core';
import { catalogPlugin, createCatalog, memoryStore, parseEntityRef, stringifyEntityRef } from '@portalkit/catalog';
import type { Catalog, Entity, EntityProcessor, EntityProvider, ProcessingErrorReport } from '@portalkit/catalog';
import { builtinActions, createScaffolder, parseTemplate, scaffolderPlugin } from '@portalkit/scaffolder';
import type {
  JsonObject,
  RunOptions,
  Scaffolder,
  ScaffolderAction,
  TaskEvent,
  TemplateEntity,
} from '@portalkit/scaffolder';

/**
 * Options of {@link createTestPortal}. Everything is optional: an empty portal has an empty
 * catalog and a scaffolder with the built-in actions.
 *
 * @example
 * ```ts
 * const options: TestPortalOptions = {
 *   files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-a }\nspec: { type: team, children: [] }\n' },
 *   processors: [],
 * };
 * ```
 */
export interface TestPortalOptions {
  /** Entities pushed into the catalog (through a provider, so processors see them): objects or YAML text (several documents allowed). */
  entities?: Array<Entity | string>;
  /** Files written below {@link TestPortal.rootDir} before the first refresh, by relative path. */
  files?: Record<string, string>;
  /** Fixture files or directories on disk, copied into {@link TestPortal.rootDir} (directories keep their contents, not their own name). */
  fixtures?: string[];
  /**
   * `file` locations to register, relative to {@link TestPortal.rootDir} (globs allowed). Default:
   * every `.yaml`/`.yml` file at the top of `rootDir`; files in folders are read through `Location`
   * entities or listed here.
   */
  locations?: string[];
  processors?: EntityProcessor[];
  providers?: EntityProvider[];
  /** Added after the built-in actions (whose `catalog:*` actions use this portal's catalog). */
  actions?: ScaffolderAction[];
  /** Templates for {@link TestPortal.runTemplate}: objects (e.g. from `loadTemplate`) or YAML text. They are also added to the catalog. */
  templates?: Array<TemplateEntity | string>;
  /** Default: errors only, to the console. */
  logger?: Logger;
}

/**
 * How a template run ended, with everything a test asserts on.
 *
 * @example
 * ```ts
 * const run: TemplateRun = await portal.runTemplate('create-service', { name: 'svc' });
 * run.status; // 'completed'
 * run.files['catalog-info.yaml'];
 * ```
 */
export interface TemplateRun {
  taskId: string;
  status: 'completed' | 'failed' | 'cancelled';
  /** The template's rendered `spec.output`. */
  output: JsonObject;
  /** On failure: the error's name and message. */
  error?: { name: string; message: string };
  /** Log messages in order (step starts and ends, action logs). */
  log: string[];
  /** Every event of the task, as the scaffolder API streams them. */
  events: TaskEvent[];
  /** The files left in the task's workspace (UTF-8 text by POSIX relative path); on dry runs, the files that would be written. */
  files: Record<string, string>;
}

/**
 * A catalog and a scaffolder composed into a portal, in memory and in a temporary directory.
 *
 * @example
 * ```ts
 * const portal = await createTestPortal({ entities: [group] });
 * try {
 *   const { items } = await portal.catalog.query({ filter: { kind: 'group' } });
 * } finally {
 *   await portal.close();
 * }
 * ```
 */
export interface TestPortal {
  catalog: Catalog;
  scaffolder: Scaffolder;
  /** Temporary directory holding `files` and `fixtures`; the catalog reads `file` locations below it. */
  rootDir: string;
  /** The composed handlers (catalog and scaffolder plugins) behind one web-standard handler. */
  fetch: Handler;
  /** Call {@link TestPortal.fetch} without opening a port: `portal.request('/api/scaffolder/v2/actions')`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Write (or overwrite) a file below `rootDir`, e.g. before `catalog.refresh()`. */
  writeFile(relativePath: string, content: string): Promise<void>;
  /** Processing problems of the catalog (also those of entities that are not served). */
  processingErrors(): Promise<ProcessingErrorReport[]>;
  /** Run a template (an object, or the ref or name of one in `templates` or the catalog) to the end. */
  runTemplate(template: TemplateEntity | string, values?: JsonObject, options?: Omit<RunOptions, 'values'>): Promise<TemplateRun>;
  /** Stop the portal and remove the temporary directory. */
  close(): Promise<void>;
}

const TESTING_PROVIDER = 'testing';

/**
 * Create a {@link TestPortal}: an in-memory catalog seeded from entity objects, YAML text, files
 * and fixtures, run through your processors; a scaffolder with the built-in actions plus yours;
 * both mounted as portal plugins. The catalog has processed everything when the promise resolves.
 * Works with any test runner; call `close()` when done.
 *
 * @example
 * ```ts
 * const portal = await createTestPortal({
 *   processors: [myProcessor],
 *   files: { 'catalog-info.yaml': await readFile('test/fixtures/service.yaml', 'utf8') },
 * });
 * const entity = await portal.catalog.getEntityByRef('component:default/orders');
 * await portal.close();
 * ```
 */
export async function createTestPortal(options: TestPortalOptions = {}): Promise<TestPortal> {
  if (options === null || typeof options !== 'object') throw new InputError('createTestPortal: options must be an object');
  const entities = (options.entities ?? []).flatMap((entry, i) => toEntities(entry, `entities[${i}]`));
  const templates = (options.templates ?? []).map((entry, i) => toTemplate(entry, `templates[${i}]`));

  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'portalkit-test-'));
  const rootDir = path.join(tempDir, 'root');
  const workingDirectory = path.join(tempDir, 'tasks');
  let composed: Composed;
  try {
    await writeSources(rootDir, options);
    await mkdir(workingDirectory, { recursive: true });
    const locations = options.locations ?? (await topLevelYamlFiles(rootDir));
    composed = compose({ ...options, rootDir, workingDirectory, entities, templates, locations });
    await composed.portal.start();
  } catch (error) {
    // Nothing a failed set-up created may outlive it.
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  const { catalog, scaffolder, portal, findTemplate } = composed;

  return {
    catalog,
    scaffolder,
    rootDir,
    fetch: portal.fetch,
    request: (requestPath, init) => portal.request(requestPath, init),
    writeFile: (file, content) => writeBelow(rootDir, file, content),
    processingErrors: () => catalog.getProcessingErrors(),

    async runTemplate(template, values = {}, runOptions = {}) {
      let entity: unknown = template;
      if (typeof template === 'string') {
        entity = await findTemplate(template);
        if (!entity) throw new InputError(`runTemplate: no template ${normalizeTemplateRef(template)} in the test portal's templates or catalog`);
      }
      const task = await scaffolder.run(entity, { ...runOptions, values });
      const result = await task.result;
      const events = await task.listEvents();
      const files = result.directoryContents
        ? Object.fromEntries(result.directoryContents.map((f) => [f.path, Buffer.from(f.base64Content ?? '', 'base64').toString('utf8')]))
        : await readTree(path.join(workingDirectory, task.id));
      return {
        taskId: task.id,
        status: result.status,
        output: result.output ?? {},
        ...(result.error ? { error: { name: result.error.name, message: result.error.message } } : {}),
        log: events.filter((e) => e.type === 'log').map((e) => e.body.message),
        events,
        files,
      };
    },

    async close() {
      try {
        await portal.stop();
      } finally {
        await rm(tempDir, { recursive: true, force: true });
      }
    },
  };
}

interface Composed {
  catalog: Catalog;
  scaffolder: Scaffolder;
  portal: Portal;
  findTemplate(ref: string): Promise<TemplateEntity | Entity | undefined>;
}

/** Copy the fixtures, then write the files, below `rootDir`. */
async function writeSources(rootDir: string, options: TestPortalOptions): Promise<void> {
  await mkdir(rootDir, { recursive: true });
  for (const fixture of options.fixtures ?? []) {
    await cp(path.resolve(fixture), rootDir, { recursive: true }).catch((error: unknown) => {
      throw new InputError(`createTestPortal: cannot copy fixture ${fixture}`, { cause: error });
    });
  }
  for (const [file, content] of Object.entries(options.files ?? {})) await writeBelow(rootDir, file, content);
}

/** The catalog and scaffolder as portal plugins; the given entities and templates arrive through a provider. */
function compose(
  options: Omit<TestPortalOptions, 'entities' | 'templates' | 'locations'> & {
    rootDir: string;
    workingDirectory: string;
    entities: Entity[];
    templates: TemplateEntity[];
    locations: string[];
  },
): Composed {
  const logger = options.logger ?? createLogger({ level: 'error' });
  const templatesByRef = new Map(options.templates.map((t) => [refOf(t), t]));
  const seeded = [...options.entities, ...options.templates] as Entity[];
  const seed: EntityProvider = {
    name: TESTING_PROVIDER,
    async connect(connection) {
      if (seeded.length) await connection.applyMutation({ type: 'full', entities: seeded });
    },
  };
  const catalog = createCatalog({
    store: memoryStore(),
    rootDir: options.rootDir,
    processors: options.processors ?? [],
    providers: [seed, ...(options.providers ?? [])],
    locations: options.locations.map((target) => ({ type: 'file', target })),
    logger: logger.child({ plugin: 'catalog' }),
  });
  const scaffolder = createScaffolder({
    actions: [...builtinActions({ catalog }), ...(options.actions ?? [])],
    workingDirectory: options.workingDirectory,
    keepWorkspaces: true,
    pollIntervalMs: 50,
    logger: logger.child({ plugin: 'scaffolder' }),
  });
  // Templates given as objects keep their own annotations (their base URL), so they win over the catalog's copy.
  const findTemplate = async (ref: string) => {
    const key = normalizeTemplateRef(ref);
    return templatesByRef.get(key) ?? (await catalog.getEntityByRef(key));
  };
  const portal = createPortal({
    plugins: [catalogPlugin({ catalog }), scaffolderPlugin({ scaffolder, getTemplate: findTemplate, startWorker: false })],
    logger,
  });
  return { catalog, scaffolder, portal, findTemplate };
}

function toEntities(entry: Entity | string, where: string): Entity[] {
  if (typeof entry !== 'string') {
    if (!entry || typeof entry !== 'object') throw new InputError(`createTestPortal: ${where} must be an entity object or YAML text`);
    return [entry];
  }
  return parseYamlDocuments(entry, { file: where }).map((doc) => {
    if (!doc.value || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      throw new InputError(`createTestPortal: ${where}:${doc.line}: expected an entity object`);
    }
    return doc.value as Entity;
  });
}

function toTemplate(entry: TemplateEntity | string, where: string): TemplateEntity {
  try {
    return parseTemplate(entry, { source: where });
  } catch (error) {
    throw new InputError(`createTestPortal: ${(error as Error).message}`, { cause: error });
  }
}

function refOf(entity: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name });
}

/** `create-service` and `template:create-service` mean `template:default/create-service`. */
function normalizeTemplateRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'template' }));
}

async function writeBelow(root: string, file: string, content: string): Promise<void> {
  const target = path.resolve(root, file);
  if (!isPathInside(root, target) || path.isAbsolute(file)) {
    throw new InputError(`createTestPortal: file ${file} must be a relative path inside the portal directory`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}

async function topLevelYamlFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { withFileTypes: true });
  return names
    .filter((d) => d.isFile() && /\.ya?ml$/i.test(d.name))
    .map((d) => `./${d.name}`)
    .sort();
}

/** Every file below `dir` (but `.git/`) as UTF-8 text, keyed by POSIX relative path; missing `dir` gives `{}`. */
async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, absolute).split(path.sep).join('/');
    // A repository created by `publish:git` is not part of what the template wrote.
    if (relative === '.git' || relative.startsWith('.git/')) continue;
    files[relative] = await readFile(absolute, 'utf8');
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}
