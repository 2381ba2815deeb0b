import type { StoreGraphResult } from './graph-types.js';

const byRef = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The nodes a walk keeps, the same on every store: whole levels only. Levels up to
 * `completeDepth` are fully known; deeper ones (a walk cut short by its row cap) are dropped, and
 * so are the deepest known levels until at most `maxNodes` remain (the roots, level 0, always
 * stay). A partial level would be an arbitrary subset, and pages of one query would disagree.
 *
 * @example
 * ```ts
 * keepWholeLevels(new Map([['a', 0], ['b', 1]]), 1, 10); // { nodes: [a@0, b@1], truncated: false }
 * ```
 */
export function keepWholeLevels(
  depths: ReadonlyMap<string, number>,
  completeDepth: number,
  maxNodes: number,
): { nodes: StoreGraphResult['nodes']; truncated: boolean } {
  const levels: string[][] = [];
  for (const [ref, depth] of depths) (levels[depth] ??= []).push(ref);
  let truncated = levels.length - 1 > completeDepth;
  const nodes: StoreGraphResult['nodes'] = [];
  for (let depth = 0; depth < levels.length && depth <= completeDepth; depth++) {
    const level = (levels[depth] ?? []).sort(byRef);
    if (depth > 0 && nodes.length + level.length > maxNodes) {
      truncated = true;
      break;
    }
    for (const entityRef of level) nodes.push({ entityRef, depth });
  }
  return { nodes, truncated };
}

/** Edges in (source, type, target) order, each once. */
export function sortEdges(edges: StoreGraphResult['edges']): StoreGraphResult['edges'] {
  const seen = new Set<string>();
  const out: StoreGraphResult['edges'] = [];
  for (const e of edges) {
    const key = `${e.sourceRef}\n${e.type}\n${e.targetRef}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  return out.sort((a, b) => byRef(a.sourceRef, b.sourceRef) || byRef(a.type, b.type) || byRef(a.targetRef, b.targetRef));
}
