import type { MarkdownIt, StateInline } from 'markdown-it';

const brace = 0x7b;

interface Mark {
  open: string;
  close: string;
}

const marks: Mark[] = [
  { open: '{++', close: '++}' },
  { open: '{--', close: '--}' },
  { open: '{~~', close: '~~}' },
  { open: '{==', close: '==}' },
  { open: '{>>', close: '<<}' },
];

/**
 * markdown-it plugin for `pymdownx.critic` marks inside a paragraph: `{++add++}` ->
 * `<ins class="critic">`, `{--del--}` -> `<del class="critic">`, `{~~old~>new~~}` -> both,
 * `{==mark==}` -> `<mark class="critic">`, `{>>note<<}` -> `<span class="critic comment">`.
 * Their content is Markdown. pymdownx also lets a mark span paragraphs (it works on the raw
 * text); here such a mark stays text (a listed difference of the parity test).
 *
 * @example
 * ```ts
 * new MarkdownIt().use(markdownItCritic).render('{++new++}');
 * ```
 */
export function markdownItCritic(md: MarkdownIt): void {
  md.inline.ruler.before('emphasis', 'critic', (state: StateInline, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== brace) return false;
    const mark = marks.find((m) => state.src.startsWith(m.open, state.pos));
    if (!mark) return false;
    const start = state.pos + mark.open.length;
    const end = state.src.indexOf(mark.close, start);
    if (end === -1 || end > state.posMax - mark.close.length) return false;
    if (!silent) {
      if (mark.open === '{~~') {
        const split = state.src.indexOf('~>', start);
        if (split === -1 || split > end) return false;
        wrap(state, 'del', 'critic', start, split);
        wrap(state, 'ins', 'critic', split + 2, end);
      } else {
        const [tag, className] =
          mark.open === '{++'
            ? ['ins', 'critic']
            : mark.open === '{--'
              ? ['del', 'critic']
              : mark.open === '{=='
                ? ['mark', 'critic']
                : ['span', 'critic comment'];
        wrap(state, tag, className, start, end);
      }
    } else if (mark.open === '{~~') {
      const split = state.src.indexOf('~>', start);
      if (split === -1 || split > end) return false;
    }
    state.pos = end + mark.close.length;
    return true;
  });
}

function wrap(state: StateInline, tag: string, className: string, start: number, end: number): void {
  const open = state.push(`critic_${tag}_open`, tag, 1);
  open.attrSet('class', className);
  const oldMax = state.posMax;
  state.pos = start;
  state.posMax = end;
  state.md.inline.tokenize(state);
  state.posMax = oldMax;
  state.push(`critic_${tag}_close`, tag, -1);
}
