import type { Element, Nodes, Parents, Properties } from 'hast';
import { toHtml, type Options } from 'hast-util-to-html';
import { find, html } from 'property-information';
import type { Processor } from 'unified';

/**
 * `rehype-stringify`, faster: serialises the hast the docs pipeline produces to exactly the HTML
 * `hast-util-to-html` gives with its default options, without its per-node option objects and
 * per-text regular expression callbacks. Anything it does not reproduce itself (non-default
 * settings, `<svg>` subtrees, unknown node types) goes through `hast-util-to-html`, so the
 * output is always the same.
 *
 * @example
 * ```ts
 * unified().use(remarkParse).use(remarkRehype).use(rehypeStringifyFast).processSync('# Hi');
 * ```
 */
export function rehypeStringifyFast(this: Processor, options?: Options | null): undefined {
  // As rehype-stringify: processor settings, overridden by the plugin's own options.
  const settings: Options = { ...(this.data('settings') as Options | undefined), ...options };
  const slow = (tree: Nodes): string => toHtml(tree, settings);
  this.compiler = (usesDefaults(settings) ? createHtmlSerializer() : slow) as never;
  return undefined;
}

/**
 * A serialiser of hast trees to HTML, identical to `toHtml(tree)` (default options). It keeps
 * what property-information says of each property name it meets, so make one per processor.
 */
export function createHtmlSerializer(): (tree: Nodes) => string {
  const attributes = new Map<string, AttributeInfo>();
  const attribute = (key: string): AttributeInfo => {
    let info = attributes.get(key);
    if (!info) {
      info = attributeInfo(key);
      if (attributes.size < maxCachedAttributes) attributes.set(key, info);
    }
    return info;
  };

  function all(parent: Parents): string {
    const children = parent.children as unknown;
    if (children === undefined || children === null) return '';
    if (!Array.isArray(children)) throw bail;
    const rawText = parent.type === 'element' && (parent.tagName === 'script' || parent.tagName === 'style');
    let out = '';
    for (let index = 0; index < children.length; index++) {
      const child = children[index] as Nodes | null | undefined;
      switch (child?.type) {
        case 'text':
        case 'raw':
          // Raw nodes are text when `allowDangerousHtml` is off, as in hast-util-to-html.
          if (typeof child.value !== 'string') throw bail;
          out += rawText ? child.value : escapeText(child.value);
          break;
        case 'element':
          out += element(child);
          break;
        case 'comment':
          if (typeof child.value !== 'string') throw bail;
          out += '<!--' + child.value.replace(commentUnsafe, escapeComment) + '-->';
          break;
        case 'doctype':
          out += '<!doctype html>';
          break;
        case 'root':
          out += all(child);
          break;
        default:
          throw bail;
      }
    }
    return out;
  }

  function element(node: Element): string {
    const tagName = node.tagName as unknown;
    if (typeof tagName !== 'string') throw bail;
    // SVG switches property-information to its SVG space and changes closing rules: a subtree
    // serialises the same on its own, as nothing depends on its parent under default options.
    if (tagName === 'svg') return toHtml(node);
    const attrs = node.properties ? serializeProperties(node.properties) : '';
    const content = tagName === 'template' ? (node.content ? all(node.content) : '') : all(node);
    const open = attrs ? '<' + tagName + ' ' + attrs + '>' : '<' + tagName + '>';
    // A void element with children is closed, as hast-util-to-html does.
    if (content === '' && voidElements.has(tagName.toLowerCase())) return open;
    return open + content + '</' + tagName + '>';
  }

  function serializeProperties(properties: Properties): string {
    let out = '';
    for (const key in properties) {
      const value = properties[key];
      if (value === null || value === undefined) continue;
      const serialized = serializeProperty(attribute(key), value);
      if (serialized) out = out ? out + ' ' + serialized : serialized;
    }
    return out;
  }

  return (tree) => {
    try {
      switch (tree.type) {
        case 'root':
          return all(tree);
        case 'element':
          return element(tree);
        default:
          return toHtml(tree);
      }
    } catch (error) {
      if (error === bail) return toHtml(tree);
      throw error;
    }
  };
}

/** What serialising a property needs from property-information, plus its escaped name. */
interface AttributeInfo {
  attribute: string;
  name: string;
  boolean: boolean;
  overloadedBoolean: boolean;
  commaSeparated: boolean;
}

// Property names are few (bounded by the tag and attribute names pages use); the cap only
// guards against a plugin inventing names per page.
const maxCachedAttributes = 2048;

function attributeInfo(key: string): AttributeInfo {
  const info = find(html, key);
  return {
    attribute: info.attribute,
    name: escapeWith(info.attribute, attributeNameUnsafe),
    boolean: info.boolean,
    overloadedBoolean: info.overloadedBoolean,
    commaSeparated: info.commaSeparated,
  };
}

/** One attribute as hast-util-to-html's `serializeAttribute` writes it by default, or `''`. */
function serializeProperty(info: AttributeInfo, raw: Properties[string]): string {
  let value: unknown = raw;
  if (info.overloadedBoolean && (value === info.attribute || value === '')) {
    value = true;
  } else if (
    (info.boolean || info.overloadedBoolean) &&
    (typeof value !== 'string' || value === info.attribute || value === '')
  ) {
    value = Boolean(value);
  }
  if (value === null || value === undefined || value === false || (typeof value === 'number' && Number.isNaN(value))) {
    return '';
  }
  if (value === true) return info.name;
  let text: string;
  if (Array.isArray(value)) {
    // comma-separated-tokens and space-separated-tokens `stringify`, with `padLeft`.
    text = info.commaSeparated
      ? (value[value.length - 1] === '' ? [...value, ''] : value).join(', ').trim()
      : value.join(' ').trim();
  } else {
    text = String(value);
  }
  return info.name + '="' + escapeAttributeValue(text) + '"';
}

/** Thrown inside the serialiser for a tree it does not reproduce; the tree goes to hast-util-to-html. */
const bail: unique symbol = Symbol('bail');

const voidElements: ReadonlySet<string> = new Set([
  // html-void-elements 3, the `voids` default of hast-util-to-html.
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'image',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/** Options under which hast-util-to-html serialises as {@link createHtmlSerializer} does. */
function usesDefaults(settings: Options): boolean {
  for (const key of optionKeys) {
    const value = settings[key];
    if (!value) continue;
    if (key === 'quote' && value === '"') continue;
    if (key === 'space' && value === 'html') continue;
    return false;
  }
  return true;
}

const optionKeys: readonly (keyof Options)[] = [
  'allowDangerousCharacters',
  'allowDangerousHtml',
  'allowParseErrors',
  'bogusComments',
  'characterReferences',
  'closeEmptyElements',
  'closeSelfClosing',
  'collapseEmptyAttributes',
  'omitOptionalTags',
  'preferUnquoted',
  'quote',
  'quoteSmart',
  'space',
  'tightAttributes',
  'tightCommaSeparatedLists',
  'tightDoctype',
  'tightSelfClosing',
  'upperDoctype',
  'voids',
];

// Character references as stringify-entities writes them for a `subset`: uppercase hexadecimal.
function reference(code: number): string {
  return '&#x' + code.toString(16).toUpperCase() + ';';
}

/** Text: `<` and `&` (hast-util-to-html's text subset). */
function escapeText(value: string): string {
  // Most text has neither: `indexOf` finds that faster than a loop over every character.
  if (value.indexOf('<') === -1 && value.indexOf('&') === -1) return value;
  let out = '';
  let start = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 38 /* & */ || code === 60 /* < */) {
      out += value.slice(start, index) + (code === 38 ? '&#x26;' : '&#x3C;');
      start = index + 1;
    }
  }
  return start === 0 ? value : out + value.slice(start);
}

/** Double-quoted attribute values: NUL, `"`, `&`, `'` and `` ` `` (no parse errors, no dangerous characters). */
function escapeAttributeValue(value: string): string {
  let out = '';
  let start = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 38 || code === 34 || code === 39 || code === 96 || code === 0) {
      out += value.slice(start, index) + reference(code);
      start = index + 1;
    }
  }
  return start === 0 ? value : out + value.slice(start);
}

// Attribute names: hast-util-to-html's `name` subset without parse errors or dangerous characters.
const attributeNameUnsafe = new Set('\0\t\n\f\r "&\'/<=>`');

function escapeWith(value: string, unsafe: ReadonlySet<string>): string {
  let out = '';
  for (const character of value) {
    out += unsafe.has(character) ? reference(character.charCodeAt(0)) : character;
  }
  return out;
}

// Comments: only what would end or open one early, with `<` and `>` escaped in it.
const commentUnsafe = /^>|^->|<!--|-->|--!>|<!-$/g;

function escapeComment(match: string): string {
  return match.replace(/[<>]/g, (character) => (character === '<' ? '&#x3C;' : '&#x3E;'));
}
