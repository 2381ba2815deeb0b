import type { Element, ElementContent, Properties, Root as HastRoot, Text } from 'hast';
import type {
  Code,
  Data as MdastData,
  Definition,
  FootnoteDefinition,
  FootnoteReference,
  Image,
  ImageReference,
  Link,
  LinkReference,
  List,
  ListItem,
  Nodes,
  Parent,
  Root,
  Table,
  TableRow,
} from 'mdast';
import remarkRehype, { type Options } from 'remark-rehype';
import type { Processor } from 'unified';

/**
 * `remark-rehype` (mdast-util-to-hast 13) for the docs pipeline: the same hast, built in one
 * plain pass. mdast-util-to-hast walks the tree once more with `unist-util-visit` for
 * definitions, dispatches every node through a handler table and copies positions through
 * `unist-util-position`; on 1000 pages that is one of the largest stages of a build. Each
 * handler below is a port of its mdast-util-to-hast namesake, and `data.hName`, `hProperties`
 * (the admonitions set both) and `hChildren` are applied as there.
 *
 * Anything it does not port falls back to `remark-rehype` itself, so the output never differs:
 * options other than `allowDangerousHtml` or a destination processor (for every tree), and a tree
 * holding a node type it has no handler for, such as one added by a user plugin (for that tree).
 *
 * @example
 * ```ts
 * unified().use(remarkParse).use(remarkToHastFast, { allowDangerousHtml: true }).use(rehypeStringify);
 * ```
 */
export function remarkToHastFast(
  this: Processor,
  destination?: Options | Processor | null,
  options?: Options | null,
): (tree: Root, file: unknown) => HastRoot {
  const delegate = remarkRehype as unknown as (
    this: Processor,
    destination?: Options | Processor | null,
    options?: Options | null,
  ) => (tree: Root, file: unknown) => HastRoot;
  if (destination && 'run' in destination) return delegate.call(this, destination, options);
  const settings = (destination || options || undefined) as Options | undefined;
  const slow = delegate.call(this, settings);
  if (!supported(settings)) return slow;
  const dangerous = Boolean(settings?.allowDangerousHtml);
  return (tree, file) => mdastToHast(tree, dangerous) ?? slow(tree, file);
}

/**
 * The conversion {@link remarkToHastFast} runs: `toHast(tree, { allowDangerousHtml })`, or
 * `undefined` for a tree holding a node type it does not port.
 *
 * @example
 * ```ts
 * const hast = mdastToHast(tree, true) ?? toHast(tree, { allowDangerousHtml: true });
 * ```
 */
export function mdastToHast(tree: Root, allowDangerousHtml: boolean): HastRoot | undefined {
  if (tree.type !== 'root') return undefined;
  const state: State = {
    dangerous: allowDangerousHtml,
    tree,
    definitions: undefined,
    footnoteOrder: [],
    footnoteCounts: new Map(),
    looseList: undefined,
    loose: false,
    shared: undefined,
    undo: [],
  };
  try {
    return toHastFast(state, tree);
  } catch (error) {
    if (error !== unsupported) throw error;
    // Put back what was added to `hChildren` arrays, which belong to the mdast tree.
    for (const [array, count] of state.undo) array.splice(0, count);
    return undefined;
  }
}

function supported(settings: Options | undefined): boolean {
  if (!settings) return true;
  for (const key of Object.keys(settings)) if (key !== 'allowDangerousHtml') return false;
  return true;
}

/**
 * Thrown, and caught by {@link mdastToHast}, at a node type without a port: checking the types
 * while converting saves a walk over every tree that has none. The mdast tree is as it was by
 * then (`State.undo`; the only other change, trimming the start of an `hChildren` text after a
 * break, gives the same when done again), so mdast-util-to-hast can start over on it.
 */
const unsupported = new Error('mdast node type without a fast handler');

/** mdast-util-to-hast's handlers that return nothing. */
const ignored = new Set(['toml', 'yaml', 'definition', 'footnoteDefinition']);

interface Definitions {
  links: Map<string, Definition>;
  footnotes: Map<string, FootnoteDefinition>;
}

/**
 * The definitions of a tree, read when a reference or footnote needs them: the first of each
 * identifier in the preorder `unist-util-visit` gives them, anywhere in the tree.
 */
function definitionsOf(state: State): Definitions {
  if (state.definitions) return state.definitions;
  const found: Definitions = { links: new Map(), footnotes: new Map() };
  const walk = (node: Nodes) => {
    if (node.type === 'definition') {
      const id = String(node.identifier).toUpperCase();
      if (!found.links.has(id)) found.links.set(id, node);
    } else if (node.type === 'footnoteDefinition') {
      const id = String(node.identifier).toUpperCase();
      if (!found.footnotes.has(id)) found.footnotes.set(id, node);
    }
    if ('children' in node && Array.isArray(node.children)) for (const child of node.children) walk(child);
  };
  walk(state.tree);
  state.definitions = found;
  return found;
}

interface Raw {
  type: 'raw';
  value: string;
  position?: Element['position'];
}

/** What a handler makes: a node, several, or nothing. */
type Hast = HastRoot | Element | Text | Raw;
type Result = Hast | Hast[] | undefined;

interface State {
  dangerous: boolean;
  tree: Root;
  definitions: Definitions | undefined;
  footnoteOrder: string[];
  footnoteCounts: Map<string, number>;
  /** The list whose looseness was computed last, so each item does not walk its siblings again. */
  looseList: Parent | undefined;
  loose: boolean;
  /** `data.hChildren` arrays placed in the hast tree: they are the mdast tree's own. */
  shared: Set<unknown> | undefined;
  /** Nodes added at the start of a shared array, taken out again when falling back. */
  undo: Array<[unknown[], number]>;
}

const clobberPrefix = 'user-content-';

/** `toHast(tree, { allowDangerousHtml })`. */
function toHastFast(state: State, tree: Root): HastRoot {
  const node = one(state, tree, undefined);
  const foot = footer(state);
  const result = (Array.isArray(node) ? { type: 'root', children: node } : node || { type: 'root', children: [] }) as
    | HastRoot
    | Element;
  if (foot) result.children.push({ type: 'text', value: '\n' }, foot);
  return result as HastRoot;
}

function one(state: State, node: Nodes, parent: Parent | undefined): Result {
  switch (node.type) {
    case 'text': {
      const result: Text = { type: 'text', value: trimLines(String(node.value)) };
      patch(node, result);
      return applyData(state, node, result);
    }
    case 'paragraph':
      return element(state, node, 'p');
    case 'emphasis':
      return element(state, node, 'em');
    case 'strong':
      return element(state, node, 'strong');
    case 'delete':
      return element(state, node, 'del');
    case 'heading':
      return element(state, node, 'h' + node.depth);
    case 'blockquote': {
      const result: Element = {
        type: 'element',
        tagName: 'blockquote',
        properties: {},
        children: wrap(all(state, node), true) as ElementContent[],
      };
      patch(node, result);
      return applyData(state, node, result);
    }
    case 'thematicBreak': {
      const result: Element = { type: 'element', tagName: 'hr', properties: {}, children: [] };
      patch(node, result);
      return applyData(state, node, result);
    }
    case 'break': {
      const result: Element = { type: 'element', tagName: 'br', properties: {}, children: [] };
      patch(node, result);
      return [applyData(state, node, result), { type: 'text', value: '\n' }];
    }
    case 'inlineCode': {
      const text: Text = { type: 'text', value: node.value.replace(/\r?\n|\r/g, ' ') };
      patch(node, text);
      const result: Element = { type: 'element', tagName: 'code', properties: {}, children: [text] };
      patch(node, result);
      return applyData(state, node, result);
    }
    case 'code':
      return code(state, node);
    case 'html': {
      if (!state.dangerous) return undefined;
      const result: Raw = { type: 'raw', value: node.value };
      patch(node, result);
      return applyData(state, node, result);
    }
    case 'link': {
      const properties: Properties = { href: normalizeUri(node.url) };
      if (node.title !== null && node.title !== undefined) properties.title = node.title;
      return linkElement(state, node, properties);
    }
    case 'image':
      return image(state, node, node.url, node.title);
    case 'linkReference': {
      const definition = definitionsOf(state).links.get(String(node.identifier).toUpperCase());
      if (!definition) return revert(state, node);
      const properties: Properties = { href: normalizeUri(definition.url || '') };
      if (definition.title !== null && definition.title !== undefined) properties.title = definition.title;
      return linkElement(state, node, properties);
    }
    case 'imageReference': {
      const definition = definitionsOf(state).links.get(String(node.identifier).toUpperCase());
      if (!definition) return revert(state, node);
      return image(state, node, definition.url || '', definition.title);
    }
    case 'footnoteReference':
      return footnoteReference(state, node);
    case 'list':
      return list(state, node);
    case 'listItem':
      return listItem(state, node, parent);
    case 'table':
      return table(state, node);
    case 'tableRow':
      return tableRow(state, node, parent);
    case 'tableCell':
      return element(state, node, 'td');
    case 'root': {
      const result: HastRoot = { type: 'root', children: wrap(all(state, node), false) as HastRoot['children'] };
      patch(node, result);
      return applyData(state, node, result);
    }
    default:
      if (ignored.has(node.type)) return undefined;
      // Extension nodes (tabs, definition lists, marks, ...) name their element in `data.hName`:
      // mdast-util-to-hast's unknown-node handler, for nodes with children or none.
      if (typeof (node.data as HData | undefined)?.hName === 'string' && !('value' in node)) {
        return element(state, node as Parent, 'div');
      }
      throw unsupported;
  }
}

function all(state: State, parent: Parent): Hast[] {
  const values: Hast[] = [];
  const nodes = parent.children as Nodes[] | undefined;
  if (!Array.isArray(nodes)) {
    if (nodes === undefined && !('children' in parent)) return values;
    throw unsupported;
  }
  for (let index = 0; index < nodes.length; index++) {
    const result = one(state, nodes[index] as Nodes, parent);
    if (!result) continue;
    if (index && (nodes[index - 1] as Nodes).type === 'break') {
      if (!Array.isArray(result) && result.type === 'text') result.value = trimMarkdownSpaceStart(result.value);
      if (!Array.isArray(result) && result.type === 'element') {
        const head = result.children[0];
        if (head && head.type === 'text') head.value = trimMarkdownSpaceStart(head.value);
      }
    }
    if (Array.isArray(result)) {
      for (const item of result) values.push(item);
    } else values.push(result);
  }
  return values;
}

function wrap(nodes: Hast[], loose: boolean): Hast[] {
  const result: Hast[] = [];
  if (loose) result.push({ type: 'text', value: '\n' });
  for (let index = 0; index < nodes.length; index++) {
    if (index) result.push({ type: 'text', value: '\n' });
    result.push(nodes[index] as Hast);
  }
  if (loose && nodes.length > 0) result.push({ type: 'text', value: '\n' });
  return result;
}

function element(state: State, node: Parent, tagName: string): Hast {
  const result: Element = { type: 'element', tagName, properties: {}, children: all(state, node) as ElementContent[] };
  patch(node, result);
  return applyData(state, node, result);
}

function linkElement(state: State, node: Link | LinkReference, properties: Properties): Hast {
  const result: Element = { type: 'element', tagName: 'a', properties, children: all(state, node) as ElementContent[] };
  patch(node, result);
  return applyData(state, node, result);
}

function image(state: State, node: Image | ImageReference, url: string, title: string | null | undefined): Hast {
  const properties: Properties = { src: normalizeUri(url) };
  if (node.alt !== null && node.alt !== undefined) properties.alt = node.alt;
  if (title !== null && title !== undefined) properties.title = title;
  const result: Element = { type: 'element', tagName: 'img', properties, children: [] };
  patch(node, result);
  return applyData(state, node, result);
}

function code(state: State, node: Code): Hast {
  const value = node.value ? node.value + '\n' : '';
  const properties: Properties = {};
  if (node.lang) properties.className = ['language-' + node.lang.split(/\s+/, 1)[0]];
  let result: Hast = { type: 'element', tagName: 'code', properties, children: [{ type: 'text', value }] };
  if (node.meta) result.data = { meta: node.meta } as Element['data'];
  patch(node, result);
  result = applyData(state, node, result);
  const pre: Element = { type: 'element', tagName: 'pre', properties: {}, children: [result as ElementContent] };
  patch(node, pre);
  return pre;
}

/** A reference without a definition becomes its source text again (mdast-util-to-hast's `revert`). */
function revert(state: State, node: LinkReference | ImageReference): Hast[] {
  const subtype = node.referenceType;
  let suffix = ']';
  if (subtype === 'collapsed') suffix += '[]';
  else if (subtype === 'full') suffix += '[' + (node.label || node.identifier) + ']';
  if (node.type === 'imageReference') return [{ type: 'text', value: '![' + node.alt + suffix }];
  const contents = all(state, node);
  const head = contents[0];
  if (head && head.type === 'text') head.value = '[' + head.value;
  else contents.unshift({ type: 'text', value: '[' });
  const tail = contents[contents.length - 1];
  if (tail && tail.type === 'text') tail.value += suffix;
  else contents.push({ type: 'text', value: suffix });
  return contents;
}

function footnoteReference(state: State, node: FootnoteReference): Hast {
  const id = String(node.identifier).toUpperCase();
  const safeId = normalizeUri(id.toLowerCase());
  const index = state.footnoteOrder.indexOf(id);
  let counter: number;
  let reuseCounter = state.footnoteCounts.get(id);
  if (reuseCounter === undefined) {
    reuseCounter = 0;
    state.footnoteOrder.push(id);
    counter = state.footnoteOrder.length;
  } else counter = index + 1;
  reuseCounter += 1;
  state.footnoteCounts.set(id, reuseCounter);
  const link: Element = {
    type: 'element',
    tagName: 'a',
    properties: {
      href: '#' + clobberPrefix + 'fn-' + safeId,
      id: clobberPrefix + 'fnref-' + safeId + (reuseCounter > 1 ? '-' + reuseCounter : ''),
      dataFootnoteRef: true,
      ariaDescribedBy: ['footnote-label'],
    },
    children: [{ type: 'text', value: String(counter) }],
  };
  patch(node, link);
  const sup: Element = { type: 'element', tagName: 'sup', properties: {}, children: [link] };
  patch(node, sup);
  return applyData(state, node, sup);
}

function list(state: State, node: List): Hast {
  const properties: Properties = {};
  const results = all(state, node);
  if (typeof node.start === 'number' && node.start !== 1) properties.start = node.start;
  for (const child of results) {
    if (
      child.type === 'element' &&
      child.tagName === 'li' &&
      child.properties &&
      Array.isArray(child.properties.className) &&
      child.properties.className.includes('task-list-item')
    ) {
      properties.className = ['contains-task-list'];
      break;
    }
  }
  const result: Element = {
    type: 'element',
    tagName: node.ordered ? 'ol' : 'ul',
    properties,
    children: wrap(results, true) as ElementContent[],
  };
  patch(node, result);
  return applyData(state, node, result);
}

function listItem(state: State, node: ListItem, parent: Parent | undefined): Hast {
  const results = all(state, node);
  let loose: boolean;
  if (!parent) loose = listItemLoose(node);
  else {
    // Items are converted after their own children, which may be other lists: cached per list.
    if (state.looseList !== parent) {
      state.looseList = parent;
      state.loose = listLoose(parent);
    }
    loose = state.loose;
  }
  const properties: Properties = {};
  const children: Hast[] = [];
  if (typeof node.checked === 'boolean') {
    const head = results[0];
    let paragraph: Element;
    if (head && head.type === 'element' && head.tagName === 'p') paragraph = head;
    else {
      paragraph = { type: 'element', tagName: 'p', properties: {}, children: [] };
      results.unshift(paragraph);
    }
    if (state.shared?.has(paragraph.children)) {
      state.undo.push([paragraph.children, paragraph.children.length > 0 ? 2 : 1]);
    }
    if (paragraph.children.length > 0) paragraph.children.unshift({ type: 'text', value: ' ' });
    paragraph.children.unshift({
      type: 'element',
      tagName: 'input',
      properties: { type: 'checkbox', checked: node.checked, disabled: true },
      children: [],
    });
    properties.className = ['task-list-item'];
  }
  for (let index = 0; index < results.length; index++) {
    const child = results[index] as Hast;
    if (loose || index !== 0 || child.type !== 'element' || child.tagName !== 'p') {
      children.push({ type: 'text', value: '\n' });
    }
    if (child.type === 'element' && child.tagName === 'p' && !loose) {
      for (const grandchild of child.children) children.push(grandchild as Hast);
    } else children.push(child);
  }
  const tail = results[results.length - 1];
  if (tail && (loose || tail.type !== 'element' || tail.tagName !== 'p')) children.push({ type: 'text', value: '\n' });
  const result: Element = { type: 'element', tagName: 'li', properties, children: children as ElementContent[] };
  patch(node, result);
  return applyData(state, node, result);
}

function listLoose(node: Parent): boolean {
  let loose = false;
  if (node.type === 'list') {
    const list = node as List;
    loose = list.spread || false;
    const { children } = list;
    for (let index = 0; !loose && index < children.length; index++) loose = listItemLoose(children[index] as ListItem);
  }
  return loose;
}

function listItemLoose(node: ListItem): boolean {
  const { spread } = node;
  return spread === null || spread === undefined ? node.children.length > 1 : spread;
}

function table(state: State, node: Table): Hast {
  const rows = all(state, node);
  const firstRow = rows.shift();
  const tableContent: Hast[] = [];
  if (firstRow) {
    const head: Element = {
      type: 'element',
      tagName: 'thead',
      properties: {},
      children: wrap([firstRow], true) as ElementContent[],
    };
    patch(node.children[0] as Nodes, head);
    tableContent.push(head);
  }
  if (rows.length > 0) {
    const body: Element = { type: 'element', tagName: 'tbody', properties: {}, children: wrap(rows, true) as ElementContent[] };
    const start = point(node.children[1]?.position?.start);
    const end = point(node.children[node.children.length - 1]?.position?.end);
    if (start && end) body.position = { start, end };
    tableContent.push(body);
  }
  const result: Element = { type: 'element', tagName: 'table', properties: {}, children: wrap(tableContent, true) as ElementContent[] };
  patch(node, result);
  return applyData(state, node, result);
}

function tableRow(state: State, node: TableRow, parent: Parent | undefined): Hast {
  // mdast-util-to-hast: `parent.children.indexOf(node) === 0`, i.e. the node is the first child.
  const tagName = !parent || parent.children[0] !== node ? 'td' : 'th';
  const align = parent && parent.type === 'table' ? (parent as Table).align : undefined;
  const length = align ? align.length : node.children.length;
  const cells: Hast[] = [];
  for (let cellIndex = 0; cellIndex < length; cellIndex++) {
    const cell = node.children[cellIndex];
    const properties: Properties = {};
    const alignValue = align ? align[cellIndex] : undefined;
    if (alignValue) properties.align = alignValue;
    let result: Hast = { type: 'element', tagName, properties, children: [] };
    if (cell) {
      result.children = all(state, cell) as ElementContent[];
      patch(cell, result);
      result = applyData(state, cell, result);
    }
    cells.push(result);
  }
  const result: Element = { type: 'element', tagName: 'tr', properties: {}, children: wrap(cells, true) as ElementContent[] };
  patch(node, result);
  return applyData(state, node, result);
}

/** The footnote section, as mdast-util-to-hast's `footer` with its default labels and prefix. */
function footer(state: State): Element | undefined {
  const order = state.footnoteOrder;
  if (order.length === 0) return undefined;
  const footnotes = definitionsOf(state).footnotes;
  const contents: Hast[][] = [];
  // Definitions may reference further footnotes, which extend `order` while it is read.
  for (let referenceIndex = 0; referenceIndex < order.length; referenceIndex++) {
    const definition = footnotes.get(order[referenceIndex] as string);
    if (definition) contents[referenceIndex] = all(state, definition);
  }
  const listItems: Hast[] = [];
  for (let referenceIndex = 0; referenceIndex < order.length; referenceIndex++) {
    const definition = footnotes.get(order[referenceIndex] as string);
    if (!definition) continue;
    const content = contents[referenceIndex] as Hast[];
    const id = String(definition.identifier).toUpperCase();
    const safeId = normalizeUri(id.toLowerCase());
    const backReferences: Hast[] = [];
    const counts = state.footnoteCounts.get(id);
    for (let rereferenceIndex = 1; counts !== undefined && rereferenceIndex <= counts; rereferenceIndex++) {
      if (backReferences.length > 0) backReferences.push({ type: 'text', value: ' ' });
      const children: ElementContent[] = [{ type: 'text', value: '↩' }];
      if (rereferenceIndex > 1) {
        children.push({
          type: 'element',
          tagName: 'sup',
          properties: {},
          children: [{ type: 'text', value: String(rereferenceIndex) }],
        });
      }
      backReferences.push({
        type: 'element',
        tagName: 'a',
        properties: {
          href: '#' + clobberPrefix + 'fnref-' + safeId + (rereferenceIndex > 1 ? '-' + rereferenceIndex : ''),
          dataFootnoteBackref: '',
          ariaLabel: 'Back to reference ' + (referenceIndex + 1) + (rereferenceIndex > 1 ? '-' + rereferenceIndex : ''),
          className: ['data-footnote-backref'],
        },
        children,
      });
    }
    const tail = content[content.length - 1];
    if (tail && tail.type === 'element' && tail.tagName === 'p') {
      const tailTail = tail.children[tail.children.length - 1];
      if (tailTail && tailTail.type === 'text') tailTail.value += ' ';
      else tail.children.push({ type: 'text', value: ' ' });
      tail.children.push(...(backReferences as ElementContent[]));
    } else content.push(...backReferences);
    const listItem: Element = {
      type: 'element',
      tagName: 'li',
      properties: { id: clobberPrefix + 'fn-' + safeId },
      children: wrap(content, true) as ElementContent[],
    };
    patch(definition, listItem);
    listItems.push(listItem);
  }
  if (listItems.length === 0) return undefined;
  return {
    type: 'element',
    tagName: 'section',
    properties: { dataFootnotes: true, className: ['footnotes'] },
    children: [
      {
        type: 'element',
        tagName: 'h2',
        properties: { className: ['sr-only'], id: 'footnote-label' },
        children: [{ type: 'text', value: 'Footnotes' }],
      },
      { type: 'text', value: '\n' },
      { type: 'element', tagName: 'ol', properties: {}, children: wrap(listItems, true) as ElementContent[] },
      { type: 'text', value: '\n' },
    ],
  };
}

type Point = NonNullable<Element['position']>['start'];

/** `unist-util-position`'s `pointStart`/`pointEnd`: a fresh copy of a valid point. */
function point(from: Partial<Point> | undefined): Point | undefined {
  if (
    from &&
    typeof from.line === 'number' &&
    from.line > 0 &&
    typeof from.column === 'number' &&
    from.column > 0
  ) {
    return {
      line: from.line,
      column: from.column,
      offset: typeof from.offset === 'number' && from.offset > -1 ? from.offset : undefined,
    } as Point;
  }
  return undefined;
}

/** mdast-util-to-hast's `patch`: it sets `position` (even to `undefined`) when the source has one. */
function patch(from: Source, to: Hast): void {
  const position = from.position;
  if (!position) return;
  const start = point(position.start);
  const end = point(position.end);
  to.position = start && end ? { start, end } : undefined;
}

/** What `patch` and `applyData` read of an mdast node. */
interface Source {
  position?: Nodes['position'];
  data?: MdastData;
}

interface HData {
  hName?: unknown;
  hProperties?: Properties;
  hChildren?: ElementContent[] | null;
}

/** mdast-util-to-hast's `applyData`: `data.hName`, `hProperties` and `hChildren`. */
function applyData(state: State, from: Source, to: Hast): Hast {
  const data = from.data as (MdastData & HData) | undefined;
  if (!data) return to;
  let result = to;
  const { hChildren, hName, hProperties } = data;
  if (typeof hName === 'string') {
    if (result.type === 'element') result.tagName = hName;
    else {
      const children = ('children' in result ? result.children : [result]) as ElementContent[];
      result = { type: 'element', tagName: hName, properties: {}, children };
    }
  }
  // mdast-util-to-hast clones with @ungap/structured-clone, which is the global one on Node.
  if (result.type === 'element' && hProperties) Object.assign(result.properties, cloneProperties(hProperties));
  if ('children' in result && result.children && hChildren !== null && hChildren !== undefined) {
    result.children = hChildren;
    (state.shared ??= new Set()).add(hChildren);
  }
  return result;
}

/**
 * `structuredClone(properties)` (what @ungap/structured-clone is on Node), copied by hand when
 * every value is a primitive or an array of strings and numbers, as admonition classes are:
 * the structured clone algorithm costs microseconds a call.
 */
function cloneProperties(properties: Properties): Properties {
  if (Object.getPrototypeOf(properties) !== Object.prototype) return structuredClone(properties);
  const copy: Properties = {};
  for (const key of Object.keys(properties)) {
    const value: unknown = properties[key];
    if (value === null || value === undefined) copy[key] = value;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') copy[key] = value;
    else if (plainArray(value)) copy[key] = value.slice();
    else return structuredClone(properties);
  }
  return copy;
}

function plainArray(value: unknown): value is Array<string | number> {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  // Holes and extra keys are kept by structuredClone in ways a slice does not copy.
  if (Object.keys(value).length !== value.length) return false;
  for (const item of value) if (typeof item !== 'string' && typeof item !== 'number') return false;
  return true;
}

function trimMarkdownSpaceStart(value: string): string {
  let index = 0;
  let code = value.charCodeAt(index);
  while (code === 9 || code === 32) code = value.charCodeAt(++index);
  return value.slice(index);
}

/** `trim-lines`: spaces and tabs around line endings go; a value without one is returned as is. */
function trimLines(source: string): string {
  if (source.indexOf('\n') === -1 && source.indexOf('\r') === -1) return source;
  if (!spaceAtLineEnding(source)) return source;
  const search = /\r?\n|\r/g;
  let match = search.exec(source);
  let last = 0;
  const lines: string[] = [];
  while (match) {
    lines.push(trimLine(source.slice(last, match.index), last > 0, true), match[0]);
    last = match.index + match[0].length;
    match = search.exec(source);
  }
  lines.push(trimLine(source.slice(last), last > 0, false));
  return lines.join('');
}

/** Is a space or tab next to a line ending? Only those are trimmed, so otherwise nothing changes. */
function spaceAtLineEnding(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code !== 10 && code !== 13) continue;
    const before = source.charCodeAt(i - 1);
    const after = source.charCodeAt(i + 1);
    if (before === 32 || before === 9 || after === 32 || after === 9) return true;
  }
  return false;
}

function trimLine(value: string, start: boolean, end: boolean): string {
  let startIndex = 0;
  let endIndex = value.length;
  if (start) {
    let code = value.codePointAt(startIndex);
    while (code === 9 || code === 32) code = value.codePointAt(++startIndex);
  }
  if (end) {
    let code = value.codePointAt(endIndex - 1);
    while (code === 9 || code === 32) code = value.codePointAt(--endIndex - 1);
  }
  return endIndex > startIndex ? value.slice(startIndex, endIndex) : '';
}

// Characters micromark-util-sanitize-uri's `normalizeUri` keeps as they are (`%` only before two
// alphanumerics, so it is not in the fast path).
const uriSafe = /^[!#$&-;=?-Z_a-z~]*$/;
const uriSafeChar = /[!#$&-;=?-Z_a-z~]/;

function asciiAlphanumeric(code: number): boolean {
  return (code > 47 && code < 58) || (code > 64 && code < 91) || (code > 96 && code < 123);
}

/** micromark-util-sanitize-uri's `normalizeUri`: percent-encode what is not URL-safe. */
function normalizeUri(value: string): string {
  if (uriSafe.test(value)) return value;
  const result: string[] = [];
  let index = -1;
  let start = 0;
  let skip = 0;
  while (++index < value.length) {
    const code = value.charCodeAt(index);
    let replace = '';
    if (code === 37 && asciiAlphanumeric(value.charCodeAt(index + 1)) && asciiAlphanumeric(value.charCodeAt(index + 2))) {
      skip = 2;
    } else if (code < 128) {
      if (!uriSafeChar.test(String.fromCharCode(code))) replace = String.fromCharCode(code);
    } else if (code > 55_295 && code < 57_344) {
      const next = value.charCodeAt(index + 1);
      if (code < 56_320 && next > 56_319 && next < 57_344) {
        replace = String.fromCharCode(code, next);
        skip = 1;
      } else replace = '\uFFFD';
    } else replace = String.fromCharCode(code);
    if (replace) {
      result.push(value.slice(start, index), encodeURIComponent(replace));
      start = index + skip + 1;
      replace = '';
    }
    if (skip) {
      index += skip;
      skip = 0;
    }
  }
  return result.join('') + value.slice(start);
}
