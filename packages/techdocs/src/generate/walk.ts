import type { Element, Root, RootContent } from 'hast';

/**
 * Call `fn` on every element of a hast tree, depth first, parents before their children, the
 * way `unist-util-visit(tree, 'element', fn)` does (children are read after `fn` returns, so it
 * may replace them). A plain loop: each page is walked by several plugins, and visit's generic
 * test and ancestor bookkeeping cost more than the work done at each node.
 *
 * @example
 * ```ts
 * forEachElement(tree, (node) => { if (node.tagName === 'img') node.properties.loading = 'lazy'; });
 * ```
 */
export function forEachElement(tree: Root | Element, fn: (node: Element, parent: Root | Element) => void): void {
  const children: RootContent[] = tree.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as RootContent;
    if (child.type !== 'element') continue;
    fn(child, tree);
    forEachElement(child, fn);
  }
}

/**
 * True when a node of the given type (e.g. `raw`) is anywhere in the tree.
 *
 * @example
 * ```ts
 * if (containsType(tree, 'raw')) reparse(tree);
 * ```
 */
export function containsType(tree: Root | Element, type: string): boolean {
  for (const child of tree.children as RootContent[]) {
    if (child.type === type) return true;
    if (child.type === 'element' && containsType(child, type)) return true;
  }
  return false;
}
