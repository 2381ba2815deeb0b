// Allow-list sanitizer for generated docs HTML. Markdown is user input and may carry raw HTML,
// so the docs page is rebuilt node by node: unknown elements are unwrapped, dangerous ones
// dropped with their content, and only inert attributes and safe URLs survive.

const ALLOWED = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol',
  'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'u', 'ul', 'var', 'section', 'article', 'nav', 'label',
]);
const DROP = new Set(['script', 'style', 'iframe', 'object', 'embed', 'frame', 'frameset', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'textarea', 'template', 'noscript', 'svg', 'math']);
const ATTRS = new Set(['class', 'id', 'href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'align', 'start', 'open', 'width', 'height', 'lang', 'dir']);

export function isSafeUrl(value) {
  const v = value.trim().replace(/[\u0000-\u001f\s]+/g, '');
  if (v === '' || v.startsWith('#') || v.startsWith('/') || v.startsWith('./') || v.startsWith('../')) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v);
  return !scheme || ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase());
}

/** Returns a DocumentFragment holding a sanitized copy of `source`'s children. */
export function sanitize(source, doc = document) {
  const fragment = doc.createDocumentFragment();
  for (const child of source.childNodes) copy(child, fragment, doc);
  return fragment;
}

function copy(node, parent, doc) {
  if (node.nodeType === Node.TEXT_NODE) {
    parent.append(doc.createTextNode(node.nodeValue ?? ''));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const tag = node.localName;
  if (DROP.has(tag)) return;
  if (!ALLOWED.has(tag)) {
    for (const child of node.childNodes) copy(child, parent, doc);
    return;
  }
  const el = doc.createElement(tag);
  for (const attr of node.attributes) {
    const name = attr.name.toLowerCase();
    if (!ATTRS.has(name)) continue;
    if ((name === 'href' || name === 'src') && !isSafeUrl(attr.value)) continue;
    el.setAttribute(name, attr.value);
  }
  if (tag === 'a' && /^https?:/i.test(el.getAttribute('href') ?? '')) {
    el.setAttribute('rel', 'noopener noreferrer');
    el.setAttribute('target', '_blank');
  }
  for (const child of node.childNodes) copy(child, el, doc);
  parent.append(el);
}
