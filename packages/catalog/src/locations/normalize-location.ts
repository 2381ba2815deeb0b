import { resolve } from 'node:path';
import { InputError, NotAllowedError, isPathInside } from '@portalkit/core';
import { assertLocationTargetLength } from '../stores/text-limits.js';

/**
 * Validate a location spec and normalise its target: `file` targets become absolute and must
 * stay inside `rootDir` (else `NotAllowedError`), `url` targets are parsed and re-serialised, so
 * one location has one spelling. Type defaults to `url`.
 *
 * @example
 * ```ts
 * normalizeLocation({ type: 'file', target: './catalog-info.yaml' }, '/srv'); // { type: 'file', target: '/srv/catalog-info.yaml' }
 * ```
 */
export function normalizeLocation(spec: { type?: string; target?: unknown }, rootDir: string): { type: string; target: string } {
  const type = spec?.type ?? 'url';
  const target = spec?.target;
  if (typeof type !== 'string' || !type) throw new InputError('Location type must be a non-empty string');
  if (typeof target !== 'string' || !target.trim()) throw new InputError('Location target must be a non-empty string');
  assertLocationTargetLength(target);
  if (type === 'file') {
    const absolute = resolve(rootDir, target);
    if (!isPathInside(rootDir, absolute)) throw new NotAllowedError(`Location ${target} is outside the catalog root`);
    return { type, target: absolute };
  }
  if (type === 'url') {
    try {
      return { type, target: new URL(target).toString() };
    } catch {
      throw new InputError(`Location target ${target} is not a valid URL`);
    }
  }
  return { type, target };
}
