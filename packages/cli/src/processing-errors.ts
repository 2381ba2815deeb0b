import type { Catalog } from '@portalkit/catalog';
import type { CliStream } from './command.js';

/** One processing error of a catalog, flattened for printing: `ref  file:line  Name: message`. */
export interface ProcessingErrorLine {
  entityRef: string;
  /** False when the catalog has no good version of the entity. */
  served: boolean;
  name: string;
  message: string;
  file?: string;
  line?: number;
  /** Dotted path of the bad field, when known. */
  path?: string;
}

/** The catalog's processing errors, one entry per error, and how many entities have any. */
export async function listProcessingErrors(catalog: Pick<Catalog, 'getProcessingErrors'>): Promise<{ errors: ProcessingErrorLine[]; entities: number }> {
  const reports = await catalog.getProcessingErrors();
  const errors = reports.flatMap((r) =>
    r.errors.map((e) => ({
      entityRef: r.entityRef,
      served: r.served,
      name: e.name,
      message: e.message,
      ...(e.file ? { file: e.file } : {}),
      ...(e.line ? { line: e.line } : {}),
      ...(e.path ? { path: e.path } : {}),
    })),
  );
  return { errors, entities: reports.length };
}

/** Print `Processing errors: N in M entities` and one indented line per error. */
export function printProcessingErrors(stream: CliStream, { errors, entities }: { errors: readonly ProcessingErrorLine[]; entities: number }): void {
  stream.write(`Processing errors: ${errors.length} in ${entities} entit${entities === 1 ? 'y' : 'ies'}\n`);
  for (const e of errors) {
    const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}` : '';
    // Messages usually start with file:line already; do not print it twice.
    const message = where && e.message.startsWith(where) ? e.message.slice(where.length).replace(/^(:\d+)?:\s*/, '') : e.message;
    stream.write(`  ${e.entityRef}${where ? `  ${where}` : ''}  ${e.name}: ${message}${e.served ? '' : ' (not served)'}\n`);
  }
}
