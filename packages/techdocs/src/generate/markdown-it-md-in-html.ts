import type { MarkdownIt, StateBlock } from 'markdown-it';

// Python-Markdown's md_in_html, for a block element whose opening tag (with a `markdown`
// attribute) and closing tag each stand on a line of their own.
const opening = /^<([a-z][a-z0-9]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*>\s*$/i;
const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const blockTags = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'header', 'main', 'nav', 'section',
]);

/**
 * markdown-it plugin for `md_in_html`: `<div markdown>` … `</div>` (also `markdown="1"` /
 * `"block"`) parses its content as Markdown, and the element keeps its other attributes (the
 * sanitiser decides which survive). Without the attribute, raw HTML stays raw as before.
 *
 * @example
 * ```ts
 * new MarkdownIt({ html: true }).use(markdownItMdInHtml).render('<div markdown>\n*hi*\n</div>');
 * ```
 */
export function markdownItMdInHtml(md: MarkdownIt): void {
  md.block.ruler.before('html_block', 'md_in_html', (state: StateBlock, startLine: number, endLine: number, silent: boolean) => {
    if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
    const first = lineText(state, startLine);
    const match = opening.exec(first);
    const tag = match?.[1]?.toLowerCase();
    if (!match || !tag || !blockTags.has(tag)) return false;
    const attrs: Array<[string, string]> = [];
    let markdown = false;
    for (const m of (match[2] ?? '').matchAll(attribute)) {
      const name = (m[1] ?? '').toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      if (name === 'markdown') markdown = value === '' || value === '1' || value === 'block';
      else attrs.push([name, value]);
    }
    if (!markdown) return false;
    // The matching close: same tag, counting nested opens of it on their own lines.
    let depth = 1;
    let close = startLine + 1;
    for (; close < endLine; close++) {
      const text = lineText(state, close);
      if (new RegExp(`^<${tag}(?:\\s[^>]*)?>\\s*$`, 'i').test(text)) depth++;
      else if (new RegExp(`^</${tag}\\s*>\\s*$`, 'i').test(text) && --depth === 0) break;
    }
    if (close >= endLine) return false;
    if (silent) return true;
    const open = state.push('md_in_html_open', tag, 1);
    open.attrs = attrs;
    open.map = [startLine, close + 1];
    const oldParent = state.parentType;
    const oldLineMax = state.lineMax;
    const oldIndent = state.blkIndent;
    state.parentType = 'md_in_html' as typeof state.parentType;
    state.lineMax = close;
    // Content indented as a whole inside its element (a figure's image and caption) is read as
    // if it were not: that is what an author means, and what Python-Markdown shows for such a
    // figure inside an admonition. An indented line among unindented ones is still code.
    state.blkIndent = Math.max(oldIndent, contentIndent(state, startLine + 1, close));
    state.md.block.tokenize(state, startLine + 1, close);
    state.blkIndent = oldIndent;
    state.lineMax = oldLineMax;
    state.parentType = oldParent;
    state.push('md_in_html_close', tag, -1);
    state.line = close + 1;
    return true;
  }, { alt: ['paragraph', 'reference', 'blockquote'] });
}

/** The least indentation of the non-blank lines from `start` to before `end`. */
function contentIndent(state: StateBlock, start: number, end: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let line = start; line < end; line++) {
    if (state.bMarks[line]! + state.tShift[line]! < state.eMarks[line]!) least = Math.min(least, state.sCount[line]!);
  }
  return Number.isFinite(least) ? least : 0;
}

function lineText(state: StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
}
