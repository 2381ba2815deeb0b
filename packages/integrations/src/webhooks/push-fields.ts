import { z } from 'zod';
import { hostOf } from './push-event.js';

// The fields GitHub's and GitLab's push payloads share, with one set of bounds for both hosts.

const path = z.string().min(1).max(4096);

/** A commit id: SHA-1 (40 hex digits) or SHA-256 (64). */
export const commitShaSchema = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a commit id');

/** An http(s) URL a host names in a payload. */
export const webUrlSchema = z.string().max(2048).refine((url) => hostOf(url) !== undefined, 'an http(s) URL');

/** A push payload's `commits`, each with the paths it added, modified and removed. */
export const pushCommitsSchema = z
  .array(
    z.looseObject({
      id: z.string().optional(),
      added: z.array(path).optional(),
      modified: z.array(path).optional(),
      removed: z.array(path).optional(),
    }),
  )
  .max(10_000);
