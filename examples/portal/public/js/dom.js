// Tiny DOM helpers. Every piece of entity data reaches the page through textContent or
// setAttribute (never innerHTML), because catalog fields are user input.

/**
 * Creates an element. `props` keys: `class`, `on<event>` handlers, `dataset`, DOM properties
 * `value`/`checked`/`disabled`, anything else as an attribute. Children may be strings, nodes,
 * arrays or null.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Same as `h` for SVG elements. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') el[key] = value;
    else if (key === 'href') el.setAttribute('href', safeUrl(String(value)));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

/** Appends children (strings become text nodes). */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function mount(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * Only http(s), mailto, hash and relative URLs survive; `javascript:` and friends from an
 * entity's `metadata.links` become `#`.
 */
export function safeUrl(url) {
  const trimmed = url.trim();
  if (trimmed.startsWith('#') || trimmed.startsWith('/') || trimmed.startsWith('./') || trimmed.startsWith('../')) return trimmed;
  try {
    const parsed = new URL(trimmed, location.href);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? trimmed : '#';
  } catch {
    return '#';
  }
}

/** True for absolute http(s) and mailto URLs only: what an entity's link may point to. */
export function isWebUrl(url) {
  if (typeof url !== 'string') return false;
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** A small status/error box. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** A tag chip. */
export function chip(text, extraClass = '') {
  return h('span', { class: `chip ${extraClass}`.trim() }, text);
}
