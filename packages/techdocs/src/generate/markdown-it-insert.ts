import type { MarkdownIt, StateInline } from 'markdown-it';

const caret = 0x5e;

/**
 * markdown-it plugin for `pymdownx.caret`'s `^^insert^^` -> `<ins>`: pairs of two carets with
 * emphasis' flanking rules, as markdown-it's own `~~` rule pairs tildes (`^sup^` is
 * markdown-it-sup's). markdown-it-ins does the same for `++`, which pymdownx.keys uses.
 *
 * @example
 * ```ts
 * new MarkdownIt().use(markdownItInsert).render('^^new^^');
 * ```
 */
export function markdownItInsert(md: MarkdownIt): void {
  md.inline.ruler.before('emphasis', 'insert', tokenize);
  md.inline.ruler2.before('emphasis', 'insert', (state) => {
    pair(state, state.delimiters);
    for (const meta of state.tokens_meta) if (meta?.delimiters) pair(state, meta.delimiters);
    return false;
  });
}

function tokenize(state: StateInline, silent: boolean): boolean {
  if (silent || state.src.charCodeAt(state.pos) !== caret || state.src.charCodeAt(state.pos + 1) !== caret) return false;
  const scanned = state.scanDelims(state.pos, true);
  let size = scanned.length;
  if (size < 2) return false;
  if (size % 2) {
    state.push('text', '', 0).content = '^';
    size--;
  }
  for (let i = 0; i < size; i += 2) {
    state.push('text', '', 0).content = '^^';
    state.delimiters.push({
      marker: caret,
      length: 0,
      token: state.tokens.length - 1,
      end: -1,
      open: scanned.can_open,
      close: scanned.can_close,
    });
  }
  state.pos += scanned.length;
  return true;
}

function pair(state: StateInline, delimiters: StateInline['delimiters']): void {
  for (const open of delimiters) {
    if (open.marker !== caret || open.end === -1) continue;
    const close = delimiters[open.end];
    const opening = state.tokens[open.token];
    const closing = close ? state.tokens[close.token] : undefined;
    if (!opening || !closing) continue;
    Object.assign(opening, { type: 'ins_open', tag: 'ins', nesting: 1, markup: '^^', content: '' });
    Object.assign(closing, { type: 'ins_close', tag: 'ins', nesting: -1, markup: '^^', content: '' });
  }
}
