/**
 * Membership of small integer ids in short-lived sets, kept as stamps in one typed array: adding
 * and testing is an array access, where a `Set` of location strings hashes on every call (and a
 * query tests ids tens of thousands of times). `begin()` starts a new, empty set and returns its
 * stamp; earlier sets stay readable until an id is added to a later one. Only for work that does
 * not await, so two queries never interleave on the same marks.
 */
export interface IdMarks {
  /** Start a new empty set for ids below `capacity`; returns its stamp. */
  begin(capacity: number): number;
  /** Add `id` to the set `stamp` (removing it from any earlier set); false when it was in it. */
  add(id: number, stamp: number): boolean;
  has(id: number, stamp: number): boolean;
}

/** Marks for one index; see {@link IdMarks}. */
export function createIdMarks(): IdMarks {
  // Float64 so stamps never wrap (2^53 sets); a grown array starts empty, as stamps start at 1.
  let stamps = new Float64Array(0);
  let last = 0;
  return {
    begin(capacity) {
      if (stamps.length < capacity) stamps = new Float64Array(Math.max(1024, capacity * 2));
      return ++last;
    },
    add(id, stamp) {
      if (stamps[id] === stamp) return false;
      stamps[id] = stamp;
      return true;
    },
    has(id, stamp) {
      return stamps[id] === stamp;
    },
  };
}
