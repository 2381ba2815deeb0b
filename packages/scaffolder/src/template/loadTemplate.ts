import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '@portalkit/core';
import type { TemplateEntity } from '../types.js';
import { parseTemplate } from './parseTemplate.js';

/** Annotation recording where an entity was read from, as in Backstage (`file:/abs/path`). */
export const LOCATION_ANNOTATION = 'backstage.io/managed-by-location';

/**
 * Read and parse a template.yaml from disk. The file's location is recorded in the
 * `backstage.io/managed-by-location` annotation, so relative `url`s of fetch actions resolve
 * against the template's directory.
 *
 * @example
 * ```ts
 * const template = await loadTemplate('./templates/node-service/template.yaml');
 * const task = await scaffolder.run(template, { values: { name: 'svc' } });
 * ```
 */
export async function loadTemplate(filePath: string): Promise<TemplateEntity> {
  const absolute = path.resolve(filePath);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new NotFoundError(`Template file ${absolute} could not be read`, { cause: error });
  }
  const template = parseTemplate(text, { source: absolute });
  template.metadata.annotations = { ...template.metadata.annotations, [LOCATION_ANNOTATION]: `file:${absolute}` };
  return template;
}

/**
 * The URL relative fetch URLs of a template resolve against, from its
 * `backstage.io/managed-by-location` or `backstage.io/source-location` annotation: the
 * template's directory for local files (ending in `/`), the location's URL itself for `url:`
 * locations (as Backstage's `templateInfo.baseUrl`), so a source host's grammar can resolve
 * `./skeleton` within the template's repository and ref.
 * @example
 * ```ts
 * templateBaseUrl(template); // 'file:///srv/templates/node-service/'
 * ```
 */
export function templateBaseUrl(template: TemplateEntity): string | undefined {
  const annotations = template.metadata.annotations ?? {};
  const location = annotations[LOCATION_ANNOTATION] ?? annotations['backstage.io/source-location'];
  if (!location) return undefined;
  const colon = location.indexOf(':');
  const type = location.slice(0, colon);
  const target = location.slice(colon + 1);
  if (type === 'file') return pathToFileURL(path.dirname(path.resolve(target))).toString() + '/';
  if (type === 'url') {
    try {
      return new URL(target).toString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}
