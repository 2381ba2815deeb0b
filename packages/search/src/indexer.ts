import { InputError, serializeError } from '@portalkit/core';
import type { Logger, SerializedError } from '@portalkit/core';
import type { Collator, CollatorUpdate } from './collators/types.js';
import type { SearchEngine } from './engines/types.js';
import type { RebuildResult } from './types.js';
import { validDocuments } from './valid-documents.js';

/** Options of {@link createIndexer}. */
export interface IndexerOptions {
  engine: SearchEngine;
  collators: ReadonlyMap<string, Collator>;
  /** The logger in use (it may change when the library starts). */
  logger: () => Logger;
}

/** Keeps the engine's documents current: full rebuilds per type and incremental event updates. */
export interface Indexer {
  /** Re-collect and fully re-index the given types (default all); results per type. */
  rebuild(only?: readonly string[]): Promise<RebuildResult[]>;
  /** Apply a collator's update for an event, in arrival order. */
  onEvent(collator: Collator, topic: string, payload: unknown): Promise<void>;
  /** Resolves once running rebuilds and queued updates are done. */
  settle(): Promise<void>;
}

/**
 * The search library's indexing: rebuilds and event updates, serialized so an update that arrives
 * during a rebuild is replayed once the new index lands.
 */
export function createIndexer({ engine, collators, logger }: IndexerOptions): Indexer {
  const types = [...collators.keys()];
  // Event updates are applied one at a time, in arrival order.
  let updates: Promise<void> = Promise.resolve();
  // Per type being rebuilt: the updates applied meanwhile, replayed once the new index lands.
  const pending = new Map<string, CollatorUpdate[]>();
  const rebuilding = new Map<string, Promise<RebuildResult>>();

  const apply = async (type: string, update: CollatorUpdate): Promise<void> => {
    if (update.remove) await engine.remove(type, update.remove);
    if (update.upsert && update.upsert.length > 0) {
      const errors: SerializedError[] = [];
      const docs = validDocuments(type, update.upsert, errors);
      for (const error of errors) logger().warn('search: skipped an invalid document from an event', { type, error });
      if (docs.length > 0) await engine.upsert(docs);
    }
  };

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = updates.then(work).catch((error: unknown) => {
      logger().error('search: incremental update failed', { error: serializeError(error) });
    });
    updates = next;
    return next;
  };

  const rebuildType = async (collator: Collator): Promise<RebuildResult> => {
    const type = collator.type;
    const errors: SerializedError[] = [];
    pending.set(type, []);
    try {
      const collected: unknown[] = [];
      for await (const doc of collator.collect({ reportError: (error) => errors.push(serializeError(error)) })) {
        collected.push(doc);
      }
      const documents = validDocuments(type, collected, errors);
      await engine.index(type, documents);
      return { type, ok: true, documents: documents.length, errors };
    } catch (error) {
      errors.push(serializeError(error));
      return { type, ok: false, errors };
    } finally {
      // Through the update queue, so nothing interleaves with the replay.
      await enqueue(async () => {
        const replay = pending.get(type) ?? [];
        pending.delete(type);
        for (const update of replay) await apply(type, update);
      });
    }
  };

  return {
    async rebuild(only) {
      const wanted = only ?? types;
      const unknown = wanted.filter((t) => !collators.has(t));
      if (unknown.length > 0) throw new InputError(`Unknown search types: ${unknown.join(', ')}; known: ${types.join(', ')}`);
      const results: RebuildResult[] = [];
      for (const type of new Set(wanted)) {
        // A second rebuild of a type waits for the running one, then collects afresh.
        const previous = rebuilding.get(type) ?? Promise.resolve(undefined);
        const run = previous.then(() => rebuildType(collators.get(type)!));
        rebuilding.set(type, run);
        const result = await run;
        if (rebuilding.get(type) === run) rebuilding.delete(type);
        if (!result.ok) logger().error('search: rebuild failed, previous documents kept', { type, errors: result.errors });
        else if (result.errors.length > 0) logger().warn('search: rebuild skipped some items', { type, errors: result.errors });
        results.push(result);
      }
      return results;
    },

    onEvent: (collator, topic, payload) =>
      enqueue(async () => {
        let update: CollatorUpdate | undefined;
        try {
          update = await collator.update?.(topic, payload);
        } catch (error) {
          logger().warn('search: ignored an event the collator could not read', { type: collator.type, topic, error: serializeError(error) });
          return;
        }
        if (!update) return;
        pending.get(collator.type)?.push(update);
        await apply(collator.type, update);
      }),

    async settle() {
      await Promise.all([...rebuilding.values()]);
      await updates;
    },
  };
}
