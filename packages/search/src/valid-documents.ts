import { InputError, serializeError } from '@portalkit/core';
import type { SerializedError } from '@portalkit/core';
import { searchDocumentSchema } from './types.js';
import type { SearchDocument } from './types.js';

/**
 * The documents that are valid search documents of `type`; each other one adds an error naming
 * its location to `errors`, so one bad item never stops the rest.
 */
export function validDocuments(type: string, documents: readonly unknown[], errors: SerializedError[]): SearchDocument[] {
  const out: SearchDocument[] = [];
  for (const doc of documents) {
    const parsed = searchDocumentSchema.safeParse(doc);
    if (!parsed.success || parsed.data.type !== type) {
      const where = (doc as { location?: unknown })?.location;
      errors.push(serializeError(new InputError(`Invalid ${type} document${typeof where === 'string' ? ` at ${where}` : ''}`)));
    } else {
      out.push(parsed.data);
    }
  }
  return out;
}
