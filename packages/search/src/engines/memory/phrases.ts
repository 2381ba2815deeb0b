import type { Entry } from './types.js';

/**
 * A phrase as a regular expression over raw field text: its words in order, separated only by
 * non-word characters, at word boundaries. Much cheaper than tokenizing every candidate.
 */
export function phrasePattern(phrase: string[]): RegExp {
  const escaped = phrase.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'iu');
}

/**
 * The fields of entry `id` that can hold a phrase: those with all its words (bits 1 title, 2 text,
 * 4 extra). The other fields' text holds a word the title has only as the title's (see
 * `Entry.extraWords`), so a title word counts as one of theirs.
 */
export function phraseFields(words: readonly string[], fieldsOf: ReadonlyMap<string, Uint8Array>, id: number): number {
  let fields = 7;
  for (const word of words) {
    const hit = fieldsOf.get(word)![id]!;
    fields &= hit | (hit & 1 ? 4 : 0);
  }
  return fields;
}

/** True when the phrase occurs in one of `fields` (bits 1 title, 2 text, 4 other fields). */
export function containsPhrase(entry: Entry, phrase: RegExp, fields: number): boolean {
  return (
    ((fields & 1) !== 0 && phrase.test(entry.document.title)) ||
    ((fields & 2) !== 0 && phrase.test(entry.document.text)) ||
    ((fields & 4) !== 0 && phrase.test(entry.extra))
  );
}
