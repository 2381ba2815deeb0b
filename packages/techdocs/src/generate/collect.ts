import type { Element, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import { headingLevel, isScreenReaderOnly } from './heading-level.js';
import { pageData, type PageSection } from './page-data.js';
import { collapseWhitespace, createTextCollector, type TextCollector } from './text-collector.js';

const blockTags = new Set([
  'p', 'li', 'td', 'th', 'tr', 'pre', 'div', 'br', 'blockquote', 'table', 'ul', 'ol', 'dt', 'dd',
  'details', 'summary', 'section', 'hr', 'figure', 'figcaption',
]);

/**
 * rehype plugin collecting, for the builder, the page's table of contents (Python-Markdown's
 * `toc_tokens`: each heading with an id whose level is within `depth`, default 1-6), its plain
 * text and the text under each heading (MkDocs' search sections, every heading).
 *
 * @example
 * ```ts
 * processor.use(rehypeCollectPage, { depth: [2, 3] }); // fills file.data.techdocs.toc / sections / text
 * ```
 */
export function rehypeCollectPage(options: { depth?: readonly [number, number] | undefined } = {}) {
  const [top, bottom] = options.depth ?? [1, 6];
  return (tree: Root, file: { data: object }) => {
    const data = pageData(file);
    if (!data) return;
    const sections: PageSection[] = [];
    const all = createTextCollector();
    let current: { section: PageSection; text: TextCollector } | undefined;
    const walk = (nodes: RootContent[]) => {
      for (const node of nodes) {
        if (node.type === 'text') {
          all.add(node.value);
          current?.text.add(node.value);
        } else if (node.type === 'element') {
          const rank = headingLevel(node.tagName);
          // GFM's visually hidden "Footnotes" heading is not a section of the page.
          if (rank && isScreenReaderOnly(node)) continue;
          if (rank) {
            const title = collapseWhitespace(toString(node));
            all.add(` ${title} `);
            const id = node.properties.id;
            if (typeof id === 'string') {
              if (current) current.section.text = current.text.text();
              current = { section: { id, title, text: '' }, text: createTextCollector() };
              sections.push(current.section);
              if (rank >= top && rank <= bottom) data.toc.push({ depth: rank, id, title });
            }
            continue;
          }
          if (node.tagName === 'script' || node.tagName === 'style') continue;
          walk((node as Element).children);
          if (blockTags.has(node.tagName)) {
            all.add(' ');
            current?.text.add(' ');
          }
        }
      }
    };
    walk(tree.children);
    if (current) current.section.text = current.text.text();
    data.sections = sections;
    data.text = all.text();
  };
}
