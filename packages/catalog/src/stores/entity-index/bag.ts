/**
 * The uids holding one value. Most values (names, uids, etags, titles) belong to a single
 * entity, so a lone uid is kept as a string and only shared values get a Set: that saves most
 * of the allocations (and memory) of a 100k-entity index.
 */
export type Bag = string | Set<string>;

export const bagHas = (bag: Bag | undefined, uid: string) => (typeof bag === 'string' ? bag === uid : (bag?.has(uid) ?? false));
export const bagSize = (bag: Bag | undefined) => (bag === undefined ? 0 : typeof bag === 'string' ? 1 : bag.size);
export const bagSet = (bag: Bag | undefined): ReadonlySet<string> =>
  bag === undefined ? new Set() : typeof bag === 'string' ? new Set([bag]) : bag;
