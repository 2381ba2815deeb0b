import type { Element, ElementContent, Root } from 'hast';
import { forEachElement } from './walk.js';

function hasClass(node: Element, name: string): boolean {
  const classes = node.properties.className;
  return Array.isArray(classes) && classes.includes(name);
}

/**
 * rehype plugin completing pymdownx.tabbed's alternate-style sets after sanitising: each
 * `div.tabbed-set` gets its radio inputs (`#__tabbed_{set}_{tab}`, one checked) before the
 * labels row, and its labels point at them, so material's CSS switches tabs without script.
 * Sets are numbered here, in document order, so ids stay unique whatever the page's HTML says;
 * the sanitiser never lets an author's own `<input>` be anything but a disabled checkbox.
 *
 * @example
 * ```ts
 * processor.use(rehypeSanitizeFast, docsSanitizeSchema).use(rehypeTabbedInputs);
 * ```
 */
export function rehypeTabbedInputs() {
  return (tree: Root) => {
    let set = 0;
    forEachElement(tree, (node) => {
      if (node.tagName !== 'div' || !hasClass(node, 'tabbed-set')) return;
      const labelsRow = node.children.find(
        (child): child is Element => child.type === 'element' && child.tagName === 'div' && hasClass(child, 'tabbed-labels'),
      );
      if (!labelsRow) return;
      const labels = labelsRow.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'label');
      set++;
      const wanted = Number(String(node.properties.dataTabs ?? '').split(':')[2] ?? 1);
      const selected = wanted >= 1 && wanted <= labels.length ? wanted : 1;
      const inputs: ElementContent[] = labels.map((label, index) => {
        const id = `__tabbed_${set}_${index + 1}`;
        label.properties = { htmlFor: [id] };
        return {
          type: 'element',
          tagName: 'input',
          properties: { checked: index + 1 === selected ? true : undefined, id, name: `__tabbed_${set}`, type: 'radio' },
          children: [],
        };
      });
      node.properties.dataTabs = `${set}:${labels.length}`;
      node.children.splice(node.children.indexOf(labelsRow), 0, ...inputs);
    });
  };
}
