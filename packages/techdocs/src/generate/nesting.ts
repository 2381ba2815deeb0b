import { InputError } from '@portalkit/core';

/**
 * How deeply a page's elements may nest (block quotes, lists, emphasis, HTML elements), in
 * both its Markdown tree and its HTML tree. The tree converters, the sanitiser and the
 * serialiser recurse per level, and a page nested tens of thousands deep would overflow the
 * stack; 256 is far beyond any real page (markdown-it itself stops nesting blocks at 100).
 */
export const MAX_NESTING_DEPTH = 256;

interface TreeNode {
  type?: unknown;
  children?: unknown;
}

// The errors nestingError made, told apart from a host plugin's InputErrors without parsing messages.
const made = new WeakSet<InputError>();

/**
 * The thrown error: an `InputError` naming the page. A build reports the page as failed and
 * goes on with the others.
 *
 * @example
 * ```ts
 * throw nestingError('guide.md');
 * ```
 */
export function nestingError(file: string | undefined): InputError {
  const error = new InputError(`${file ?? 'page'}: nested more than ${MAX_NESTING_DEPTH} levels deep; not rendered`);
  made.add(error);
  return error;
}

/**
 * True when `tree` nests deeper than `limit` levels below its root. Iterative (an explicit
 * stack), so a tree of any depth is measured without recursion.
 *
 * @example
 * ```ts
 * nestsDeeperThan({ type: 'root', children: [] }, 256); // false
 * ```
 */
export function nestsDeeperThan(tree: TreeNode, limit: number): boolean {
  // Two parallel stacks rather than an object per node: every page's tree is measured.
  const nodes: TreeNode[] = [tree];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop() as TreeNode;
    const depth = depths.pop() as number;
    const children = node.children;
    if (!Array.isArray(children) || children.length === 0) continue;
    if (depth >= limit) return true;
    for (const child of children as TreeNode[]) {
      if (child && typeof child === 'object') {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * remark plugin refusing an mdast tree nested deeper than {@link MAX_NESTING_DEPTH}, with an
 * `InputError` naming the file. Runs first after parsing, before any stage that recurses per
 * level. (Raw HTML, which nests on its own, is measured once parsed: see `rehypeRawWhenNeeded`.)
 *
 * @example
 * ```ts
 * processor.use(remarkParse).use(remarkNestingLimit).use(remarkToHastFast);
 * ```
 */
export function remarkNestingLimit() {
  return checkNesting;
}

/**
 * Throw the page's nesting error when `tree` nests deeper than {@link MAX_NESTING_DEPTH}.
 *
 * @example
 * ```ts
 * checkNesting(tree, file); // throws InputError 'guide.md: nested more than 256 levels deep; not rendered'
 * ```
 */
export function checkNesting(tree: TreeNode, file: { path?: string }): void {
  if (nestsDeeperThan(tree, MAX_NESTING_DEPTH)) throw nestingError(file.path);
}

/**
 * The error a page's rendering failed with, as the page's own failure: a nesting error as it
 * is, and a stack overflow (which a library recursing per level may hit while parsing, before
 * any tree can be measured) as a nesting error. Anything else is not the page's failure
 * (`undefined`): a host plugin's bug still fails the build.
 *
 * @example
 * ```ts
 * const failure = pageFailure(error, 'guide.md');
 * if (!failure) throw error;
 * ```
 */
export function pageFailure(error: unknown, file: string): InputError | undefined {
  if (error instanceof InputError && made.has(error)) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return nestingError(file);
  return undefined;
}
