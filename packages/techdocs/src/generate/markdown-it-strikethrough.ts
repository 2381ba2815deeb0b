import type { MarkdownIt, StateInline } from 'markdown-it';

const tilde = 0x7e;
// Runs of one and of two tildes only pair with their own kind (as in micromark's GFM
// strikethrough), so each gets its own delimiter marker; markdown-it pairs by marker.
const singleMarker = -tilde;

/**
 * markdown-it plugin replacing its `~~strike~~` rule with GFM's as remark-gfm reads it: one or
 * two tildes (`~a~` too), opener and closer of the same length, runs of three or more literal,
 * the same flanking rules as emphasis.
 *
 * @example
 * ```ts
 * const md = new MarkdownIt().use(markdownItGfmStrikethrough);
 * ```
 */
export function markdownItGfmStrikethrough(md: MarkdownIt, options: { single?: boolean } = {}): void {
  // pymdownx.tilde reads `~a~` as a subscript (markdown-it-sub's rule): one tilde is left to it.
  const single = options.single ?? true;
  md.inline.ruler.at('strikethrough', (state, silent) =>
    !single && state.src.charCodeAt(state.pos) === tilde && state.src.charCodeAt(state.pos + 1) !== tilde
      ? false
      : tokenize(state, silent),
  );
  md.inline.ruler2.at('strikethrough', (state) => {
    pair(state, state.delimiters);
    for (const meta of state.tokens_meta) if (meta?.delimiters) pair(state, meta.delimiters);
    return false;
  });
}

function tokenize(state: StateInline, silent: boolean): boolean {
  if (silent || state.src.charCodeAt(state.pos) !== tilde) return false;
  const scanned = state.scanDelims(state.pos, true);
  const size = scanned.length;
  const token = state.push('text', '', 0);
  token.content = '~'.repeat(size);
  if (size <= 2) {
    state.delimiters.push({
      marker: size === 1 ? singleMarker : tilde,
      length: 0,
      token: state.tokens.length - 1,
      end: -1,
      open: scanned.can_open,
      close: scanned.can_close,
    });
  }
  state.pos += size;
  return true;
}

function pair(state: StateInline, delimiters: StateInline['delimiters']): void {
  for (const open of delimiters) {
    if ((open.marker !== tilde && open.marker !== singleMarker) || open.end === -1) continue;
    const close = delimiters[open.end];
    const opening = state.tokens[open.token];
    const closing = close ? state.tokens[close.token] : undefined;
    if (!opening || !closing) continue;
    const markup = open.marker === tilde ? '~~' : '~';
    Object.assign(opening, { type: 's_open', tag: 's', nesting: 1, markup, content: '' });
    Object.assign(closing, { type: 's_close', tag: 's', nesting: -1, markup, content: '' });
  }
}
