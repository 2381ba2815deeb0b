import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

/** The largest entity file `catalog:annotate` reads (1 MiB). */
export const maxEntityFileBytes = 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface AnnotateOptions {
  id: string;
  description: string;
  /** What the action itself adds (the timestamp of `catalog:timestamping`), before the input's own. */
  added?: () => { annotations?: Record<string, string> };
}

async function entityToAnnotate(workspacePath: string, input: { objectYaml?: Record<string, unknown> | undefined; entityFilePath?: string | undefined }, id: string) {
  let entity: unknown = input.objectYaml;
  if (entity === undefined) {
    const file = resolveSafeChildPath(workspacePath, input.entityFilePath ?? './catalog-info.yaml');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new InputError(`${id}: ${input.entityFilePath ?? './catalog-info.yaml'} is not a file in the workspace`);
    if (info.size > maxEntityFileBytes) throw new InputError(`${id}: the entity file is larger than ${maxEntityFileBytes} bytes`);
    try {
      entity = yaml.load(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InputError(`${id}: the entity file is not YAML: ${(error as Error).message}`);
    }
  }
  if (!isObject(entity) || !isObject(entity.metadata)) throw new InputError(`${id}: the entity must be an object with a metadata object`);
  return entity;
}

/**
 * The annotator actions of Backstage's community module (`scaffolder-backend-module-annotator`):
 * merge `labels`, `annotations` and `spec` into an entity read from the workspace
 * (`entityFilePath`, default `./catalog-info.yaml`) or given as `objectYaml`, write it to
 * `writeToFile` (default `./catalog-info.yaml`) when something was added, and output the YAML as
 * `annotatedObject`. Both paths stay inside the workspace; the file is at most 1 MiB.
 */
function createAnnotator(options: AnnotateOptions) {
  const { id } = options;
  return createAction({
    id,
    description: options.description,
    supportsDryRun: true,
    schema: {
      input: z.object({
        labels: z.record(z.string(), z.string()).optional().describe('Labels that will be applied to the `metadata.labels` of the entity object'),
        annotations: z.record(z.string(), z.string()).optional().describe('Annotations that will be applied to the `metadata.annotations` of the entity object'),
        spec: z.record(z.string(), z.any()).optional().describe('Key-Value pair(s) that will be applied to the `spec` of the entity object'),
        entityFilePath: z.string().min(1).optional().describe('Path to the entity yaml you want to annotate'),
        objectYaml: z.record(z.string(), z.any()).optional().describe('Entity object yaml you want to annotate'),
        writeToFile: z.string().min(1).optional().describe('Path to the file you want to write. Default path `./catalog-info.yaml`'),
      }),
      output: z.object({ annotatedObject: z.string().describe('The annotated entity as YAML') }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const entity = await entityToAnnotate(ctx.workspacePath, input, id);
      const added = options.added?.() ?? {};
      const metadata = entity.metadata as Record<string, unknown>;
      const annotations = { ...(isObject(metadata.annotations) ? metadata.annotations : {}), ...added.annotations, ...input.annotations };
      const labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), ...input.labels };
      const spec = { ...(isObject(entity.spec) ? entity.spec : {}), ...input.spec };
      const annotated = { ...entity, metadata: { ...metadata, annotations, labels }, spec };
      const text = yaml.dump(annotated, { lineWidth: -1 });
      const adds = [added.annotations, input.annotations, input.labels, input.spec].some((part) => part && Object.keys(part).length > 0);
      if (adds) {
        // Resolved before anything is written: a path outside the workspace writes nothing.
        const target = resolveSafeChildPath(ctx.workspacePath, input.writeToFile ?? './catalog-info.yaml');
        ctx.logger.info(id === 'catalog:timestamping' ? 'Annotating catalog-info.yaml with current timestamp' : 'Annotating your object');
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, text, 'utf8');
      }
      ctx.output('annotatedObject', text);
    },
  });
}

/**
 * `catalog:annotate`: add labels, annotations and spec properties to an entity (see above).
 * @example
 * ```yaml
 * - action: catalog:annotate
 *   input: { labels: { tier: gold }, annotations: { acme.com/team: payments } }
 * ```
 */
export function createCatalogAnnotateAction() {
  return createAnnotator({
    id: 'catalog:annotate',
    description: 'Creates a new scaffolder action to annotate the entity object with specified label(s), annotation(s) and spec property(ies).',
  });
}

/**
 * `catalog:timestamping`: add `backstage.io/createdAt` (the current time, ISO 8601) to an entity.
 * @example
 * ```yaml
 * - action: catalog:timestamping
 * ```
 */
export function createCatalogTimestampingAction(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return createAnnotator({
    id: 'catalog:timestamping',
    description: 'Creates a new `catalog:timestamping` Scaffolder action to annotate scaffolded entities with creation timestamp.',
    added: () => ({ annotations: { 'backstage.io/createdAt': now().toISOString() } }),
  });
}
