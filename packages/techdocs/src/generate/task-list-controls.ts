import type { Element, Root } from 'hast';
import { forEachElement } from './walk.js';

function classes(node: Element): string[] {
  return Array.isArray(node.properties.className) ? node.properties.className.map(String) : [];
}

/**
 * rehype plugin giving task lists pymdownx.tasklist's `custom_checkbox` markup, which
 * mkdocs-material styles: `<ul class="task-list">`, and each check box wrapped in
 * `<label class="task-list-control">` with a `<span class="task-list-indicator">`. Runs after
 * sanitising: the classes are the pipeline's own, on the check boxes GFM task items produced.
 *
 * @example
 * ```ts
 * processor.use(rehypeSanitizeFast, docsSanitizeSchema).use(rehypeTaskListControls);
 * ```
 */
export function rehypeTaskListControls() {
  return (tree: Root) => {
    forEachElement(tree, (node) => {
      if ((node.tagName === 'ul' || node.tagName === 'ol') && classes(node).includes('contains-task-list')) {
        node.properties.className = classes(node).map((c) => (c === 'contains-task-list' ? 'task-list' : c));
        return;
      }
      if (node.tagName !== 'li' || !classes(node).includes('task-list-item')) return;
      // The check box is the item's first element, or its first paragraph's (loose items).
      const holder = node.children.find((c): c is Element => c.type === 'element');
      const host = holder?.tagName === 'p' ? holder : node;
      const index = host.children.findIndex((c) => c.type === 'element');
      const input = host.children[index];
      if (input?.type !== 'element' || input.tagName !== 'input' || input.properties.type !== 'checkbox') return;
      host.children[index] = {
        type: 'element',
        tagName: 'label',
        properties: { className: ['task-list-control'] },
        children: [input, { type: 'element', tagName: 'span', properties: { className: ['task-list-indicator'] }, children: [] }],
      };
    });
  };
}
