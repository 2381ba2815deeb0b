// Renders a Backstage template parameter step (JSON Schema + inline `ui:*` keys) as a form and
// validates it. Supports string (text, textarea, password, enum), number/integer, boolean and
// arrays of enum strings, and the conditional constructs `allOf`, `if`/`then`/`else`, `oneOf`
// and `dependencies`: fields appear and disappear with the values chosen (schema.js), and the
// errors are the scaffolder server's for the same values.
import { h } from './dom.js';
import { messages, possibleKeys, resolveSchema, schemaErrors } from './schema.js';

/**
 * Builds the fields for one step. Returns `{ element, read(), keys(), validate(others) }`:
 * `read()` gives the values of the fields shown, `keys()` every property the step may hold
 * (hidden ones are dropped from the values), and `validate(others)` checks the step's values
 * together with the other steps' `others` as the server does, marks the fields with errors,
 * lists every error and returns whether there were none.
 */
export function schemaForm(schema, values, idPrefix) {
  const state = { ...values };
  let choice;
  let fields = [];
  const container = h('div', { class: 'form-fields' });
  const summary = h('ul', { class: 'form-errors', hidden: true, role: 'alert' });
  let signature = '';

  const render = () => {
    const resolved = resolveSchema(schema, state, choice);
    choice = resolved.oneOf?.chosen;
    signature = JSON.stringify([Object.keys(resolved.properties), resolved.required, choice]);
    const required = new Set(resolved.required);
    fields = Object.entries(resolved.properties)
      .filter(([, prop]) => prop && typeof prop === 'object' && prop['ui:widget'] !== 'hidden')
      .map(([key, prop]) => field(key, prop, required.has(key), state[key], `${idPrefix}-${key}`));
    const selector = resolved.oneOf ? oneOfSelector(resolved.oneOf, `${idPrefix}-oneof`) : null;
    container.replaceChildren(...[selector, ...fields.map((f) => f.element)].filter(Boolean));
  };
  const read = () => {
    const out = {};
    for (const f of fields) {
      const v = f.read();
      if (v !== undefined) out[f.key] = v;
    }
    return out;
  };
  const oneOfSelector = ({ options, chosen }, id) => {
    const select = h('select', { id, 'data-oneof': 'true' },
      options.map((option, i) => h('option', { value: String(i), selected: i === chosen }, String(option?.title ?? `Option ${i + 1}`))));
    select.addEventListener('change', () => {
      Object.assign(state, read());
      choice = Number(select.value);
      render();
    });
    return h('div', { class: 'field', 'data-field': '(oneOf)' }, h('label', { for: id }, schema.title ?? 'Option'), select);
  };
  // A change (not each keystroke) may show or hide fields: re-render only when the set changes.
  container.addEventListener('change', (event) => {
    if (event.target?.dataset?.oneof) return;
    for (const key of possibleKeys(schema)) delete state[key];
    Object.assign(state, read());
    if (JSON.stringify(resolveSignature()) !== signature) render();
  });
  const resolveSignature = () => {
    const resolved = resolveSchema(schema, state, choice);
    return [Object.keys(resolved.properties), resolved.required, resolved.oneOf?.chosen];
  };
  render();

  return {
    element: h('div', null, container, summary),
    read,
    keys: () => [...possibleKeys(schema)],
    validate(others = {}) {
      const data = { ...others, ...read() };
      // Pages are objects even without `type`, as the server compiles them.
      const list = messages(schemaErrors({ type: 'object', ...schema }, data));
      summary.replaceChildren(...list.map((m) => h('li', null, m)));
      summary.hidden = list.length === 0;
      let first = null;
      for (const f of fields) {
        const prefix = `parameters.${f.key}`;
        const mine = list.filter((m) => m.startsWith(`${prefix}: `) || m.startsWith(`${prefix}.`)).map((m) => m.slice(prefix.length).replace(/^[.:]\s*/, ''));
        f.showError(mine.length ? mine.join('; ') : null);
        if (mine.length && !first) first = f;
      }
      first?.focus();
      return list.length === 0;
    },
  };
}

function field(key, prop, isRequired, initial, id) {
  const label = typeof prop.title === 'string' ? prop.title : key;
  const help = [prop.description, prop['ui:help']].filter((t) => typeof t === 'string' && t);
  const value = initial !== undefined ? initial : prop.default;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const helpId = help.length ? `${id}-help` : undefined;
  const describedBy = [helpId, `${id}-error`].filter(Boolean).join(' ');
  let input;
  let read;

  if (prop.type === 'boolean') {
    input = h('input', { type: 'checkbox', id, name: key, checked: value === true, 'aria-describedby': describedBy });
    read = () => input.checked;
    const element = h('div', { class: 'field field-boolean', 'data-field': key },
      h('label', { for: id }, input, ' ', label),
      helpEl(help, helpId), errorEl);
    return { key, element, read, showError: show(errorEl, input), focus: () => input.focus() };
  }

  if (prop.type === 'array' && prop.items && Array.isArray(prop.items.enum)) {
    const chosen = new Set(Array.isArray(value) ? value : []);
    const boxes = prop.items.enum.map((opt, i) => h('input', { type: 'checkbox', value: String(opt), checked: chosen.has(opt), id: `${id}-${i}` }));
    read = () => boxes.filter((b) => b.checked).map((b) => b.value);
    const element = h('fieldset', { class: 'field field-multi', 'data-field': key },
      h('legend', null, label, isRequired ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      helpEl(help, helpId),
      boxes.map((b, i) => h('label', { for: `${id}-${i}`, class: 'inline' }, b, ' ', String(prop.items.enum[i]))),
      errorEl);
    return { key, element, read, showError: show(errorEl, boxes[0]), focus: () => boxes[0]?.focus() };
  }

  if (Array.isArray(prop.enum)) {
    const names = Array.isArray(prop.enumNames) ? prop.enumNames : prop['ui:enumNames'];
    input = h('select', { id, name: key, required: isRequired, 'aria-describedby': describedBy },
      isRequired && value !== undefined ? null : h('option', { value: '' }, '— choose —'),
      prop.enum.map((opt, i) => h('option', { value: String(opt), selected: opt === value }, String(names?.[i] ?? opt))));
    read = () => {
      if (input.value === '') return undefined;
      const match = prop.enum.find((opt) => String(opt) === input.value);
      return match;
    };
  } else if (prop.type === 'number' || prop.type === 'integer') {
    input = h('input', {
      type: 'number', id, name: key, value: value ?? '', step: prop.type === 'integer' ? '1' : 'any',
      min: prop.minimum, max: prop.maximum, 'aria-describedby': describedBy,
    });
    read = () => (input.value === '' ? undefined : Number(input.value));
  } else {
    const widget = prop['ui:widget'];
    const attrs = {
      id, name: key, value: value ?? '', placeholder: prop['ui:placeholder'], autofocus: prop['ui:autofocus'] === true,
      'aria-describedby': describedBy, autocomplete: 'off',
    };
    input = widget === 'textarea'
      ? h('textarea', { ...attrs, rows: prop['ui:options']?.rows ?? 4 })
      : h('input', { ...attrs, type: widget === 'password' ? 'password' : 'text' });
    read = () => (input.value === '' ? undefined : input.value);
  }

  const element = h('div', { class: 'field', 'data-field': key },
    h('label', { for: id }, label, isRequired ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input, helpEl(help, helpId), errorEl);
  return { key, element, read, showError: show(errorEl, input), focus: () => input.focus() };
}

function helpEl(help, id) {
  return help.length ? h('p', { class: 'help', id }, help.join(' ')) : null;
}

function show(errorEl, input) {
  return (message) => {
    errorEl.hidden = !message;
    errorEl.textContent = message ?? '';
    input?.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
}
