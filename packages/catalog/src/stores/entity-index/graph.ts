import type { StoreGraphQuery, StoreGraphResult } from '../graph-types.js';
import { keepWholeLevels, sortEdges } from '../graph-levels.js';
import { bagSet } from './bag.js';
import type { FilterIndex } from './filters.js';
import type { ValueIndex } from './value-index.js';

/**
 * The memory store's relation-graph walk: breadth-first over the value index. Outgoing
 * relations are an entity's own `relations.<type>` search rows; incoming ones are the
 * `relations.<type> = ref` entries of the index, so neither direction scans the catalog.
 */
export function createGraphWalk(values: ValueIndex, filters: FilterIndex): (query: StoreGraphQuery) => StoreGraphResult {
  const { byUid, uidByRef } = values;
  return (query) => {
    const keys = new Set(query.relationTypes.map((t) => `relations.${t}`));
    const rootAllowed = query.rootFilter ? filters.compile(query.rootFilter) : () => true;
    const allowed = query.filter ? filters.compile(query.filter) : () => true;
    const depths = new Map<string, number>();
    let frontier: string[] = [];
    for (const ref of new Set(query.rootRefs)) {
      const uid = uidByRef.get(ref);
      if (uid !== undefined && rootAllowed(uid)) {
        depths.set(ref, 0);
        frontier.push(ref);
      }
    }
    let reached = 0;
    for (let depth = 1; depth <= query.maxDepth && frontier.length; depth++) {
      const next: string[] = [];
      for (const ref of frontier) {
        for (const neighbour of neighbours(ref, keys, query.direction)) {
          if (depths.has(neighbour)) continue;
          const uid = uidByRef.get(neighbour);
          if (uid === undefined || !allowed(uid)) continue;
          depths.set(neighbour, depth);
          next.push(neighbour);
        }
      }
      reached += next.length;
      frontier = next;
      // A level past the cap is dropped whole anyway: stop walking.
      if (reached > query.maxNodes) break;
    }
    const { nodes, truncated } = keepWholeLevels(depths, query.maxDepth, query.maxNodes);
    return { nodes, edges: edgesBetween(nodes.map((n) => n.entityRef), keys), truncated };
  };

  function* neighbours(ref: string, keys: ReadonlySet<string>, direction: StoreGraphQuery['direction']): Iterable<string> {
    if (direction !== 'incoming') {
      const item = byUid.get(uidByRef.get(ref) ?? '');
      if (item) {
        for (let i = 0; i < item.keys.length; i++) if (keys.has(item.keys[i]!) && item.values[i]) yield item.values[i]!;
      }
    }
    if (direction !== 'outgoing') {
      for (const key of keys) {
        for (const uid of bagSet(values.valuesOf(key)?.get(ref))) {
          const source = byUid.get(uid)?.row.entityRef;
          if (source !== undefined) yield source;
        }
      }
    }
  }

  function edgesBetween(refs: readonly string[], keys: ReadonlySet<string>): StoreGraphResult['edges'] {
    const inGraph = new Set(refs);
    const edges: StoreGraphResult['edges'] = [];
    for (const sourceRef of refs) {
      const item = byUid.get(uidByRef.get(sourceRef) ?? '');
      if (!item) continue;
      for (let i = 0; i < item.keys.length; i++) {
        const key = item.keys[i]!;
        const targetRef = item.values[i];
        if (keys.has(key) && targetRef && inGraph.has(targetRef)) edges.push({ sourceRef, type: key.slice('relations.'.length), targetRef });
      }
    }
    return sortEdges(edges);
  }
}
