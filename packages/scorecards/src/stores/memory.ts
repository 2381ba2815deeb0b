import { ServiceUnavailableError } from '@portalkit/core';
import type { ScorecardHistoryEntry, ScorecardResult, ScorecardStore } from '../types.js';
import { compareResults, historyEntryOf, outcomeChanged } from './history.js';
import { checkHistoryQuery, checkLatestQuery, checkWrite } from './validate.js';

const keyOf = (scorecardId: string, entityRef: string) => `${scorecardId}\u0000${entityRef}`;

// Results are plain data of a known shape: copying it by hand is several times faster than
// structuredClone, which matters at 100k results per run.
const copyResult = (r: ScorecardResult): ScorecardResult => ({ ...r, checks: r.checks.map((c) => ({ ...c, ...(c.dependencies ? { dependencies: [...c.dependencies] } : {}) })), dependencies: [...r.dependencies] });
const copyEntry = (e: ScorecardHistoryEntry): ScorecardHistoryEntry => ({ ...e, failingChecks: [...e.failingChecks] });

/**
 * The default {@link ScorecardStore}: results and history in process memory, gone on exit.
 *
 * @example
 * ```ts
 * const scorecards = createScorecards({ catalog, scorecards: [readiness], store: memoryScorecardStore() });
 * ```
 */
export function memoryScorecardStore(): ScorecardStore {
  const latest = new Map<string, ScorecardResult>();
  // History by entity ref; each entry carries its write sequence, so equal timestamps order by write, as in SQL.
  const history = new Map<string, { seq: number; entry: ScorecardHistoryEntry }[]>();
  let seq = 0;
  let closed = false;
  const open = () => {
    if (closed) throw new ServiceUnavailableError('memoryScorecardStore: the store is closed');
  };
  return {
    async write(batch) {
      open();
      const { put, remove, rejected } = checkWrite(batch, 'memoryScorecardStore');
      for (const r of remove) {
        if (r.entityRef !== undefined) latest.delete(keyOf(r.scorecardId, r.entityRef));
        else for (const [key, value] of latest) if (value.scorecardId === r.scorecardId) latest.delete(key);
      }
      // Later puts of one key in a batch win (checkWrite keeps only them).
      for (const result of put) {
        const key = keyOf(result.scorecardId, result.entityRef);
        const copy = copyResult(result);
        if (outcomeChanged(latest.get(key), copy)) {
          let list = history.get(copy.entityRef);
          if (!list) history.set(copy.entityRef, (list = []));
          list.push({ seq: seq++, entry: historyEntryOf(copy) });
        }
        latest.set(key, copy);
      }
      return { rejected };
    },
    async latest(query = {}) {
      open();
      checkLatestQuery(query, 'memoryScorecardStore');
      const refs = query.entityRefs ? new Set(query.entityRefs) : undefined;
      const out: ScorecardResult[] = [];
      for (const r of latest.values()) {
        if (query.scorecardId !== undefined && r.scorecardId !== query.scorecardId) continue;
        if (refs && !refs.has(r.entityRef)) continue;
        if (query.ownerRef !== undefined && r.ownerRef !== query.ownerRef) continue;
        out.push(r);
      }
      out.sort(compareResults(query.order));
      return (query.limit !== undefined ? out.slice(0, query.limit) : out).map(copyResult);
    },
    async history(query) {
      open();
      checkHistoryQuery(query, 'memoryScorecardStore');
      const out: { seq: number; entry: ScorecardHistoryEntry }[] = [];
      for (const item of history.get(query.entityRef) ?? []) {
        if (query.scorecardId === undefined || item.entry.scorecardId === query.scorecardId) out.push(item);
      }
      out.sort((a, b) => (a.entry.timestamp < b.entry.timestamp ? 1 : a.entry.timestamp > b.entry.timestamp ? -1 : b.seq - a.seq));
      const entries = out.map((x) => x.entry);
      return (query.limit !== undefined ? entries.slice(0, query.limit) : entries).map(copyEntry);
    },
    async close() {
      closed = true;
    },
  };
}
