/** The ids taken on one page, handing out new ones the way Python-Markdown's `toc` does. */
export interface UniqueIds {
  /** Mark an id as taken (one already on the page, e.g. from `attr_list`). */
  add(id: string): void;
  /** `id` if it is free and not empty, else the first free of `id_1`, `id_2`, ...; now taken. */
  unique(id: string): string;
}

// Python's IDCOUNT_RE, `^(.*)_([0-9]+)$`: `.` stops at a newline, `$` may precede a last one.
const counted = /^([^\n]*)_([0-9]+)\n?$/;

/**
 * Python-Markdown's `unique(id, ids)`: while the id is taken or empty, `x_N` becomes
 * `x_{N+1}` and anything else `x_1` (so a repeated `Intro` is `intro_1`, and an empty slug
 * `_1`). Python walks that sequence one taken id at a time, which is quadratic for a page of
 * thousands of equal headings; here each base keeps "next free number" pointers with path
 * compression, so a page's ids cost about linear time whatever the headings are.
 *
 * @example
 * ```ts
 * const ids = createUniqueIds();
 * ids.unique('intro'); // 'intro'
 * ids.unique('intro'); // 'intro_1'
 * ids.unique('intro_1'); // 'intro_2'
 * ```
 */
export function createUniqueIds(): UniqueIds {
  const taken = new Set<string>();
  // Per base: number -> a number above it to look at next; absent when `base_number` is free.
  // Numbers are canonical decimal strings: a heading can hold a million digits, and BigInt
  // parsing and printing is superlinear in them.
  const next = new Map<string, Map<string, string>>();

  const add = (id: string): void => {
    if (taken.has(id)) return;
    taken.add(id);
    const match = counted.exec(id);
    // Only the canonical spelling of a number is one of the `base_N` ids handed out.
    const digits = match?.[2];
    if (!match || digits === undefined || (digits.length > 1 && digits[0] === '0')) return;
    const base = match[1] as string;
    let slots = next.get(base);
    if (!slots) next.set(base, (slots = new Map()));
    slots.set(digits, increment(digits));
  };

  const firstFree = (slots: Map<string, string>, from: string): string => {
    let n = from;
    const path: string[] = [];
    for (let hop = slots.get(n); hop !== undefined && hop !== n; hop = slots.get(n)) {
      path.push(n);
      n = hop;
    }
    for (const visited of path) slots.set(visited, n);
    return n;
  };

  return {
    add,
    unique(id) {
      if (id !== '' && !taken.has(id)) {
        add(id);
        return id;
      }
      const match = counted.exec(id);
      const base = match ? (match[1] as string) : id;
      // Python: int(N) + 1, so `x_007` continues at `x_8`.
      const start = match ? increment((match[2] as string).replace(/^0+(?=.)/, '')) : '1';
      let slots = next.get(base);
      if (!slots) next.set(base, (slots = new Map()));
      const n = firstFree(slots, start);
      const result = `${base}_${n}`;
      add(result);
      return result;
    },
  };
}

/** A canonical decimal number plus one. */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - 1 - i);
}
