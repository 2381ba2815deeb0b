import type { MarkdownIt, PluginWithOptions, StateCore } from 'markdown-it';
import markdownItAbbr from 'markdown-it-abbr';
import markdownItAttrs from 'markdown-it-attrs';
import markdownItDeflist from 'markdown-it-deflist';
import { full as markdownItEmoji } from 'markdown-it-emoji';
import markdownItMark from 'markdown-it-mark';
import markdownItSub from 'markdown-it-sub';
import markdownItSup from 'markdown-it-sup';
import { markdownItCritic } from './markdown-it-critic.js';
import { markdownItInsert } from './markdown-it-insert.js';
import { markdownItKeys } from './markdown-it-keys.js';
import { markdownItMdInHtml } from './markdown-it-md-in-html.js';
import { markdownItSmartSymbols } from './markdown-it-smartsymbols.js';

/**
 * The Python-Markdown / pymdownx extensions the Markdown parser adds to CommonMark + GFM
 * (tables, task lists, footnotes, strikethrough and literal links are always on). Admonitions,
 * details and tabs are blocks of `remarkAdmonitions`; highlighting and permalinks are rehype steps.
 */
export type MarkdownExtension =
  | 'abbr'
  | 'attr_list'
  | 'def_list'
  | 'caret'
  | 'critic'
  | 'emoji'
  | 'inlinehilite'
  | 'keys'
  | 'mark'
  | 'md_in_html'
  | 'smartsymbols'
  | 'tilde';

/** Every extension of {@link MarkdownExtension}: what `techdocs-core` switches on. */
export const allMarkdownExtensions: readonly MarkdownExtension[] = [
  'abbr', 'attr_list', 'def_list', 'caret', 'critic', 'emoji', 'inlinehilite', 'keys', 'mark', 'md_in_html', 'smartsymbols',
  'tilde',
];

/**
 * Add the markdown-it plugins of the enabled extensions: the markdown-it organisation's
 * (deflist, abbr, mark, sub, sup, emoji) and markdown-it-attrs where one fits, portalkit's own
 * for pymdownx syntax no plugin covers (`^^ins^^`, `++keys++`, critic marks, smart symbols).
 *
 * @example
 * ```ts
 * useMarkdownExtensions(new MarkdownIt(), ['def_list', 'mark']);
 * ```
 */
export function useMarkdownExtensions(md: MarkdownIt, enabled: readonly MarkdownExtension[]): void {
  const on = new Set(enabled);
  if (on.has('md_in_html')) md.use(markdownItMdInHtml);
  if (on.has('def_list')) md.use(markdownItDeflist);
  if (on.has('abbr')) md.use(markdownItAbbr);
  if (on.has('critic')) md.use(markdownItCritic);
  if (on.has('keys')) md.use(markdownItKeys);
  if (on.has('caret')) md.use(markdownItInsert).use(markdownItSup);
  if (on.has('tilde')) md.use(markdownItSub);
  if (on.has('mark')) md.use(markdownItMark);
  // pymdownx.emoji reads `:name:` only: no `:)` shortcuts.
  if (on.has('emoji')) md.use(markdownItEmoji, { shortcuts: {} });
  if (on.has('smartsymbols')) md.use(markdownItSmartSymbols);
  if (on.has('attr_list')) {
    // Python's attr_list also reads `{: .class }`; markdown-it-attrs reads `{.class}`.
    md.core.ruler.after('inline', 'attr_list_colon', attrListColon);
    // Its types name another copy of markdown-it's; the plugin takes any instance.
    md.use(markdownItAttrs as unknown as PluginWithOptions<{ allowedAttributes: string[] }>, { allowedAttributes: [] });
  }
}

function attrListColon(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type !== 'inline' || !token.content.includes('{:')) continue;
    for (const child of token.children ?? []) {
      if (child.type === 'text') child.content = child.content.replace(/\{:[ \t]*/g, '{');
    }
  }
}
