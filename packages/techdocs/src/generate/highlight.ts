import type { Element, ElementContent, Root } from 'hast';
import { toText } from 'hast-util-to-text';
import { common, createLowlight } from 'lowlight';
import { forEachElement } from './walk.js';

type Lowlight = ReturnType<typeof createLowlight>;
let shared: Lowlight | undefined;

// Registering highlight.js' common grammars costs 100+ ms; rehype-highlight pays it on every
// processor, which alone would blow an incremental rebuild's budget. The grammars never change
// after registration, so one instance per process is shared by every build.
function lowlight(): Lowlight {
  if (!shared) {
    shared = createLowlight(common);
    // Pygments' names for Python 3, which pymdownx pages use (`#!py3`, ```py3).
    shared.registerAlias({ python: ['py3', 'python3'] });
  }
  return shared;
}

/**
 * rehype plugin highlighting fenced code (`<pre><code class="language-x">`) with highlight.js
 * grammars, producing the same `hljs-*` spans as rehype-highlight. Unknown languages and code
 * without a language are left as they are.
 *
 * @example
 * ```ts
 * processor.use(rehypeHighlightCode);
 * ```
 */
export function rehypeHighlightCode() {
  return (tree: Root) => {
    forEachElement(tree, (node: Element, parent) => {
      if (node.tagName !== 'code') return;
      const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : [];
      const block = parent.type === 'element' && parent.tagName === 'pre';
      // Inline code is highlighted only when written `#!lang code` (pymdownx.inlinehilite).
      if (!block && !classes.includes('highlight')) return;
      if (classes.includes('no-highlight') || classes.includes('nohighlight')) return;
      const language = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
      if (!language) return;
      if (block && language === 'mermaid') {
        // Left for Backstage's mermaid add-on, as superfences' `fence_code_format` writes it.
        parent.properties.className = ['mermaid'];
        node.properties.className = undefined;
        return;
      }
      const highlighter = lowlight();
      if (!highlighter.registered(language)) return;
      // Fenced code is one text node; anything else (e.g. from a plugin) is flattened to text.
      const only = node.children.length === 1 ? node.children[0] : undefined;
      const code = only?.type === 'text' ? only.value : toText(node, { whitespace: 'pre' });
      const result = highlighter.highlight(language, code);
      node.properties.className = ['hljs', ...classes];
      if (result.children.length > 0) node.children = result.children as ElementContent[];
    });
  };
}
