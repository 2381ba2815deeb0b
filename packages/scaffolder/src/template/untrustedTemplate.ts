import type { TemplateEntity } from '../types.js';
import { LOCATION_ANNOTATION } from './loadTemplate.js';

/**
 * Annotations that say where an entity was read from. The scaffolder derives a template's base
 * URL from them, so only the host (its loader or its catalog) may set them.
 */
export const LOCATION_ANNOTATIONS: readonly string[] = [
  LOCATION_ANNOTATION,
  'backstage.io/managed-by-origin-location',
  'backstage.io/source-location',
];

/**
 * A template that arrived from an HTTP client (a dry run's body) without the annotations that
 * would name a base location: a client must never choose which host directory relative fetch
 * URLs resolve against.
 */
export function withoutLocationAnnotations(template: TemplateEntity): TemplateEntity {
  const annotations = template.metadata.annotations;
  if (!annotations || !LOCATION_ANNOTATIONS.some((key) => Object.hasOwn(annotations, key))) return template;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([key]) => !LOCATION_ANNOTATIONS.includes(key)));
  return { ...template, metadata: { ...template.metadata, annotations: kept } };
}
