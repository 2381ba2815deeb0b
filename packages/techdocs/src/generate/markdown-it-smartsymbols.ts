import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { setSourceText } from './markdown-it-heading-text.js';

// pymdownx.smartsymbols' replacements, in its order (longer arrows before shorter ones).
const symbols: Array<[RegExp, string]> = [
  [/\(tm\)/g, '™'],
  [/\(c\)/g, '©'],
  [/\(r\)/g, '®'],
  [/(?<!\w)c\/o(?!\w)/g, '℅'],
  [/\+\/-/g, '±'],
  [/<-->/g, '↔'],
  [/(?<!-)-->/g, '→'],
  [/<--(?!-)/g, '←'],
  [/=\/=/g, '≠'],
];
const fractions: Record<string, string> = {
  '1/2': '½', '1/3': '⅓', '2/3': '⅔', '1/4': '¼', '3/4': '¾', '1/5': '⅕', '2/5': '⅖', '3/5': '⅗', '4/5': '⅘',
  '1/6': '⅙', '5/6': '⅚', '1/8': '⅛', '3/8': '⅜', '5/8': '⅝', '7/8': '⅞',
};
const fraction = /(?<![\w/])([1-7]\/[2-8])(?![\w/])/g;
const ordinal = /(?<![\w.,])(\d+)(st|nd|rd|th)\b/g;
const mayHave = /\(|c\/o|\+\/-|-->|<--|=\/=|\d/;

function ordinalSuffix(n: string): string {
  const tens = n.length > 1 ? n[n.length - 2] : '';
  const last = n[n.length - 1];
  if (tens === '1') return 'th';
  return last === '1' ? 'st' : last === '2' ? 'nd' : last === '3' ? 'rd' : 'th';
}

/**
 * markdown-it plugin for `pymdownx.smartsymbols`: `(tm)` ™, `(c)` ©, `(r)` ®, `c/o` ℅, `+/-` ±,
 * `-->` →, `<--` ←, `<-->` ↔, `=/=` ≠, fractions (`1/4` ¼) and ordinals (`1st` ->
 * `1<sup>st</sup>`), in text only (never in code or link URLs).
 *
 * @example
 * ```ts
 * new MarkdownIt().use(markdownItSmartSymbols).render('(c) 2nd');
 * ```
 */
export function markdownItSmartSymbols(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'smartsymbols', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children || !mayHave.test(block.content)) continue;
      const out: Token[] = [];
      for (const token of block.children) {
        if (token.type !== 'text') {
          out.push(token);
          continue;
        }
        const original = token.content;
        const first = out.length;
        let text = original;
        for (const [pattern, symbol] of symbols) text = text.replace(pattern, symbol);
        text = text.replace(fraction, (all, f: string) => fractions[f] ?? all);
        let last = 0;
        for (const match of text.matchAll(ordinal)) {
          const [all, digits = '', suffix = ''] = match;
          if (ordinalSuffix(digits) !== suffix) continue;
          const before = new state.Token('text', '', 0);
          before.content = text.slice(last, (match.index ?? 0) + digits.length);
          const open = new state.Token('sup_open', 'sup', 1);
          const inner = new state.Token('text', '', 0);
          inner.content = suffix;
          const close = new state.Token('sup_close', 'sup', -1);
          out.push(before, open, inner, close);
          last = (match.index ?? 0) + all.length;
        }
        token.content = text.slice(last);
        out.push(token);
        // Python-Markdown slugs headings before smartsymbols runs: ids keep `(c)`, not `©`.
        if (text !== original) for (let i = first; i < out.length; i++) setSourceText(out[i] as Token, i === first ? original : '');
      }
      block.children = out;
    }
  });
}
