/**
 * Per-document score sums for one query, kept in a typed array indexed by document id: a query
 * adds a BM25 contribution for every posting it walks (tens of thousands), and a `Map` or result
 * objects per document would cost more than the arithmetic. `begin()` starts a new, all-zero sheet
 * without clearing the array (stamps tell a stale slot from a live one). Only for work that does not
 * await, so two queries never interleave on the same sheet.
 */
export interface ScoreSheet {
  /** Start a new sheet for ids below `capacity`. */
  begin(capacity: number): void;
  add(id: number, value: number): void;
  /** The sum added for `id` since `begin()`; 0 when nothing was. */
  get(id: number): number;
}

/** A {@link ScoreSheet}; see there. */
export function createScoreSheet(): ScoreSheet {
  let sums = new Float64Array(0);
  // Float64 so stamps never wrap; a grown array starts empty, as stamps start at 1.
  let stamps = new Float64Array(0);
  let stamp = 0;
  return {
    begin(capacity) {
      if (sums.length < capacity) {
        sums = new Float64Array(Math.max(1024, capacity * 2));
        stamps = new Float64Array(sums.length);
      }
      stamp++;
    },
    add(id, value) {
      if (stamps[id] === stamp) {
        sums[id]! += value;
      } else {
        stamps[id] = stamp;
        sums[id] = value;
      }
    },
    get(id) {
      return stamps[id] === stamp ? sums[id]! : 0;
    },
  };
}
