import { NotFoundError, publishEach } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { CATALOG_TOPICS } from '@portalkit/catalog-model';
import type { CatalogEntityDeletedEvent, CatalogEntityUpsertedEvent, EntityRelation } from '@portalkit/catalog-model';
import type { PassItem } from '../processing/engine.js';
import { stitchEntity } from '../processing/stitcher.js';
import type { CatalogStore, FinalEntityRow, RefreshState } from '../stores/types.js';
import type { CatalogEventSink } from '../types.js';
import { stateHash } from './state-hash.js';

/** Options of {@link createCommitter}. */
export interface CommitterOptions {
  store: CatalogStore;
  logger: Logger;
  /** Where entity events go; read at each commit (a portal's bus arrives with `start()`). */
  events(): CatalogEventSink | undefined;
}

/**
 * The write path: stores processing results, deletes, restitches and publishes. Callers run
 * one mutation at a time (the catalog's lock); on a shared store the read-stitch-write of a
 * commit also holds the store's commit lock.
 */
export interface Committer {
  /**
   * Write a pass (and deletions) to the store in one transaction and restitch every entity
   * whose own data or incoming relations changed; then publish `catalog.entity.upserted` /
   * `catalog.entity.deleted` for the final entities written or removed.
   */
  commit(items: Map<string, PassItem>, deleteRefs?: readonly string[]): Promise<void>;
  /** `roots` plus every entity below them that nothing else emits (what deleting them deletes). */
  cascade(roots: readonly string[]): Promise<string[]>;
  /** Delete one entity (and what only it emitted) by uid; a 404 when there is none. */
  removeEntityByUid(uid: string): Promise<void>;
}

/** The refresh states a commit writes: the pass's rows and former children with their new parents. */
interface CommitPlan {
  rows: Map<string, RefreshState>;
  deletes: Set<string>;
  /** Stored states of the rows written and deleted, before the commit. */
  previous: Map<string, RefreshState>;
}

/**
 * Committer and stitcher (Backstage's `ProcessingDatabase` writes plus its `Stitcher`).
 *
 * @example
 * ```ts
 * const committer = createCommitter({ store, logger, events: () => bus });
 * await committer.commit(await pass(inputs), await committer.cascade(['component:default/gone']));
 * ```
 */
export function createCommitter(options: CommitterOptions): Committer {
  const { store, logger } = options;

  async function commitNow(items: Map<string, PassItem>, deleteRefs: readonly string[]): Promise<void> {
    const plan = await planRefreshStates(store, items, deleteRefs);
    const { puts, removed } = await stitchTouched(store, plan);
    const { rows, deletes } = plan;
    await store.transaction(async (tx) => {
      if (deletes.size) await tx.deleteRefreshStates([...deletes]);
      if (rows.size) await tx.putRefreshStates([...rows.values()]);
      if (removed.length) await tx.deleteEntities(removed.map((r) => r.entityRef));
      if (puts.length) await tx.putEntities(puts);
    });
    await publish(options.events(), puts, removed);
    logger.debug('catalog committed', { processed: items.size, written: puts.length, removed: removed.length });
  }

  const committer: Committer = {
    async commit(items, deleteRefs = []) {
      // The whole read-stitch-write, so a commit stitches against what other workers committed.
      const leases = store.processingLeases;
      if (leases) await leases.withCommitLock(() => commitNow(items, deleteRefs));
      else await commitNow(items, deleteRefs);
    },

    async cascade(roots) {
      const doomed = new Set(roots);
      let frontier = [...roots];
      while (frontier.length) {
        const children = await store.getRefreshStates({ parentRefs: frontier });
        frontier = [];
        for (const child of children) {
          if (doomed.has(child.entityRef) || child.rootKey) continue;
          if (child.parentRefs.every((p) => doomed.has(p))) {
            doomed.add(child.entityRef);
            frontier.push(child.entityRef);
          }
        }
      }
      return [...doomed];
    },

    async removeEntityByUid(uid) {
      const [row] = await store.getEntities({ uids: [uid] });
      if (!row) throw new NotFoundError(`No entity with uid ${uid}`);
      await committer.commit(new Map(), [row.entityRef]);
    },
  };
  return committer;
}

/** Compute the refresh states a commit writes, keeping parents that still emit their children. */
async function planRefreshStates(store: CatalogStore, items: Map<string, PassItem>, deleteRefs: readonly string[]): Promise<CommitPlan> {
  const deletes = new Set(deleteRefs);
  const touchedParents = [...items.keys(), ...deletes];
  // One read for both (a selector matches any of its parts): a refresh's rows are mostly both
  // a touched parent's child and touched themselves, and reading them twice doubled the cost of
  // an unchanged re-run's commit.
  const parents = new Set(touchedParents);
  const found = touchedParents.length ? await store.getRefreshStates({ refs: touchedParents, parentRefs: touchedParents }) : [];
  const previous = new Map(found.filter((r) => parents.has(r.entityRef)).map((r) => [r.entityRef, r]));
  const formerChildren = found.filter((r) => r.parentRefs.some((p) => parents.has(p)));
  // A parent reprocessed in this pass still holds a former child when it failed as a whole, or
  // when the file that child came from could not be read this time (Backstage keeps the last
  // good state rather than orphaning on a transient or syntax error).
  // A child the catalog rules now refuse stays as it was, as Backstage keeps it.
  const stillParent = (parentRef: string, child: { entityRef: string; locationKey?: string }) => {
    if (deletes.has(parentRef)) return false;
    const parent = items.get(parentRef);
    if (!parent) return true;
    if (parent.processed === undefined) return true;
    if (parent.refusedRefs?.includes(child.entityRef)) return true;
    return child.locationKey !== undefined && (parent.retainedLocationKeys?.includes(child.locationKey) ?? false);
  };
  const rows = new Map<string, RefreshState>();
  for (const item of items.values()) {
    const stored = previous.get(item.ref);
    const kept = stored ? stored.parentRefs.filter((p) => stillParent(p, stored)) : [];
    const ok = item.processed !== undefined;
    const processed = item.processed ?? stored?.processed;
    const locationKey = item.locationKey ?? stored?.locationKey;
    rows.set(item.ref, {
      entityRef: item.ref,
      ...(item.rootKey ? { rootKey: item.rootKey } : {}),
      ...(locationKey ? { locationKey } : {}),
      parentRefs: item.rootKey ? [] : [...new Set([...item.parentRefs, ...kept])].sort(),
      unprocessed: item.unprocessed,
      ...(processed ? { processed } : {}),
      errors: item.errors,
      relations: ok ? item.relations : (stored?.relations ?? []),
      refreshKeys: item.refreshKeys,
      hash: '',
    });
  }
  for (const child of formerChildren) {
    if (rows.has(child.entityRef) || deletes.has(child.entityRef)) continue;
    rows.set(child.entityRef, { ...child, parentRefs: child.parentRefs.filter((p) => stillParent(p, child)) });
  }
  skipUnchanged(rows, [...previous.values(), ...formerChildren]);
  return { rows, deletes, previous };
}

/**
 * Hash each planned state and drop those whose stored hash is the same: an unchanged state is
 * neither written nor restitched (its final entity can only change through another entity's
 * relations, and a state that changed those is written and touches it).
 */
function skipUnchanged(rows: Map<string, RefreshState>, stored: readonly RefreshState[]): void {
  const storedHash = new Map(stored.map((r) => [r.entityRef, r.hash]));
  for (const [ref, row] of rows) {
    row.hash = stateHash(row);
    if (storedHash.get(ref) === row.hash) rows.delete(ref);
  }
}

/** Refs whose final entity may change: the written and deleted rows and the sources of their relations, old and new. */
function touchedRefs({ rows, deletes, previous }: CommitPlan): Set<string> {
  const touched = new Set<string>();
  for (const [ref, row] of rows) {
    touched.add(ref);
    for (const r of row.relations) touched.add(r.sourceRef);
  }
  for (const ref of [...rows.keys(), ...deletes]) {
    touched.add(ref);
    for (const r of previous.get(ref)?.relations ?? []) touched.add(r.sourceRef);
  }
  return touched;
}

/**
 * Stitch every touched entity against the relations stored by other entities plus the new
 * rows' own: final entities whose etag changed are `puts`; those with nothing processed any
 * more (deleted, or never processed) are `removed`. Entities nothing emits become orphans.
 */
async function stitchTouched(store: CatalogStore, plan: CommitPlan): Promise<{ puts: FinalEntityRow[]; removed: FinalEntityRow[] }> {
  const { rows, deletes } = plan;
  const touched = touchedRefs(plan);
  const relationsBySource = new Map<string, EntityRelation[]>();
  const addRelation = (source: string, relation: EntityRelation) => {
    let list = relationsBySource.get(source);
    if (!list) relationsBySource.set(source, (list = []));
    list.push(relation);
  };
  for (const r of await store.getRelations({ sourceRefs: [...touched] })) {
    if (rows.has(r.originatingRef) || deletes.has(r.originatingRef)) continue;
    addRelation(r.sourceRef, { type: r.type, targetRef: r.targetRef });
  }
  for (const row of rows.values()) {
    for (const r of row.relations) addRelation(r.sourceRef, { type: r.type, targetRef: r.targetRef });
  }
  const otherRefs = [...touched].filter((r) => !rows.has(r) && !deletes.has(r));
  const others = new Map((await store.getRefreshStates({ refs: otherRefs })).map((r) => [r.entityRef, r]));
  const finals = new Map((await store.getEntities({ refs: [...touched] })).map((r) => [r.entityRef, r]));
  const puts: FinalEntityRow[] = [];
  const removed: FinalEntityRow[] = [];
  for (const ref of [...touched].sort()) {
    const row = deletes.has(ref) ? undefined : (rows.get(ref) ?? others.get(ref));
    const old = finals.get(ref);
    if (!row?.processed) {
      if (old) removed.push(old);
      continue;
    }
    const orphan = !row.rootKey && row.parentRefs.length === 0;
    const final = stitchEntity(
      { entityRef: ref, processed: row.processed, errors: row.errors, orphan, ...(old ? { uid: old.uid } : {}) },
      relationsBySource.get(ref) ?? [],
    );
    if (old?.etag !== final.etag) puts.push(final);
  }
  return { puts, removed };
}

/**
 * Publish the catalog's entity events (payloads: catalog-model's `CatalogEvents`), a commit's
 * events together: a shared bus stores them in one write, inside the commit lock, so their
 * order across workers is the commits' order.
 */
async function publish(events: CatalogEventSink | undefined, puts: readonly FinalEntityRow[], removed: readonly FinalEntityRow[]): Promise<void> {
  if (!events) return;
  // `ref`/`uid` repeat `entityRef`/`entityId` for subscribers written before they existed.
  const deleted = removed.map((r) => ({
    topic: CATALOG_TOPICS.entityDeleted,
    payload: { entityRef: r.entityRef, entityId: r.uid, entity: r.entity, ref: r.entityRef, uid: r.uid } satisfies CatalogEntityDeletedEvent,
  }));
  const upserted = puts.map((r) => ({
    topic: CATALOG_TOPICS.entityUpserted,
    payload: { entityRef: r.entityRef, entityId: r.uid, entity: r.entity, ref: r.entityRef, uid: r.uid } satisfies CatalogEntityUpsertedEvent,
  }));
  await publishEach(events, [...deleted, ...upserted]);
}
