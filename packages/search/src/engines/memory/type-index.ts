import MiniSearch from 'minisearch';
import { extraTextOf, facetsOf, tokenize } from '../../query.js';
import type { SearchDocument } from '../../types.js';
import { addFacet, removeFacets } from './facets.js';
import { createIdMarks } from './id-marks.js';
import { createResourceFacts } from './resources.js';
import type { ResourceFacts } from './resources.js';
import { createScoreSheet } from './score-sheet.js';
import { FIELDS } from './types.js';
import type { Entry, TypeIndex } from './types.js';

/** Words occurring more than once in a field and how often, as a flat list (word, count, ...). */
type Repeats = Array<string | number> | undefined;

/**
 * The index of one document type: the documents by location and by small integer id, their
 * MiniSearch postings, field lengths and repeated words (what BM25 reads), and the facet maps
 * built by filters. `put` and `discard` keep all of them in step, and count the documents referring
 * to each resource in `resources`.
 */
export function createTypeIndex(resources: ResourceFacts = createResourceFacts()): TypeIndex {
  const entries = new Map<string, Entry>();
  const index: TypeIndex = {
    mini: new MiniSearch<SearchDocument>({
      idField: 'id',
      fields: FIELDS,
      // put() stores the entry before adding, so its id and extra text are computed once.
      extractField: (doc, field) => {
        if (field === 'id') return entries.get(doc.location)!.id;
        if (field === 'extra') return entries.get(doc.location)!.extraWords;
        return String(doc[field] ?? '');
      },
      tokenize,
      processTerm: (term) => term,
    }),
    entries,
    byId: [],
    nextId: 0,
    fieldLengths: new Uint32Array(0),
    lengthSums: [0, 0, 0],
    repeats: [new Map(), new Map(), new Map()],
    freeIds: [],
    facetIndex: new Map(),
    marks: createIdMarks(),
    scores: createScoreSheet(),
    frequencies: createScoreSheet(),
    put: (document) => put(document),
    discard: (location) => discard(location),
  };

  const put = (document: SearchDocument): void => {
    const resourceRef = document.authorization?.resourceRef;
    // Retained before the old copy is released, so replacing a document keeps its resource's facts.
    if (resourceRef !== undefined) resources.retain(resourceRef);
    discard(document.location);
    const titleWords = tokenize(document.title);
    const extra = extraTextOf(document);
    const inTitle = new Set(titleWords);
    const extraWords = tokenize(extra).filter((word) => !inTitle.has(word));
    // Repeated words go to the index's map only, not on the entry (100k entries' worth of small
    // arrays): removal recomputes them.
    const stats = fieldStats([titleWords, tokenize(document.text), extraWords]);
    const entry: Entry = {
      id: index.freeIds.pop() ?? index.nextId++,
      document,
      facets: facetsOf(document),
      extra,
      extraWords: extraWords.join(' '),
      titleKey: titleWords.join(' '),
      lengths: stats.lengths,
      ...(resourceRef !== undefined ? { resourceRef } : {}),
    };
    if (index.fieldLengths.length < (entry.id + 1) * 3) {
      const grown = new Uint32Array(Math.max(3072, (entry.id + 1) * 6));
      grown.set(index.fieldLengths);
      index.fieldLengths = grown;
    }
    for (let f = 0; f < 3; f++) {
      index.fieldLengths[entry.id * 3 + f] = entry.lengths[f]!;
      index.lengthSums[f]! += entry.lengths[f]!;
      const repeats = stats.repeats[f] ?? [];
      for (let i = 0; i < repeats.length; i += 2) {
        const word = repeats[i] as string;
        let ids = index.repeats[f]!.get(word);
        if (!ids) index.repeats[f]!.set(word, (ids = new Map()));
        ids.set(entry.id, repeats[i + 1] as number);
      }
    }
    entries.set(document.location, entry);
    index.byId[entry.id] = entry;
    for (const [field, byValue] of index.facetIndex) addFacet(byValue, entry, field);
    index.mini.add(document);
  };

  const discard = (location: string): void => {
    const entry = entries.get(location);
    if (!entry) return;
    entries.delete(location);
    index.byId[entry.id] = undefined;
    const stats = fieldStats([tokenize(entry.document.title), tokenize(entry.document.text), entry.extraWords.split(' ')]);
    for (let f = 0; f < 3; f++) {
      index.lengthSums[f]! -= entry.lengths[f]!;
      const repeats = stats.repeats[f] ?? [];
      for (let i = 0; i < repeats.length; i += 2) {
        const ids = index.repeats[f]!.get(repeats[i] as string);
        ids?.delete(entry.id);
        if (ids?.size === 0) index.repeats[f]!.delete(repeats[i] as string);
      }
    }
    removeFacets(index, entry);
    index.mini.discard(entry.id);
    index.freeIds.push(entry.id);
    if (entry.resourceRef !== undefined) resources.release(entry.resourceRef);
  };

  return index;
}

/** Field lengths in distinct words (as MiniSearch counts them) and the repeated words. */
function fieldStats(fields: string[][]): { lengths: Entry['lengths']; repeats: [Repeats, Repeats, Repeats] } {
  const lengths: Entry['lengths'] = [0, 0, 0];
  const repeats: [Repeats, Repeats, Repeats] = [undefined, undefined, undefined];
  fields.forEach((words, f) => {
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    lengths[f] = counts.size;
    const repeated: Array<string | number> = [];
    for (const [word, n] of counts) if (n > 1) repeated.push(word, n);
    if (repeated.length > 0) repeats[f] = repeated;
  });
  return { lengths, repeats };
}
