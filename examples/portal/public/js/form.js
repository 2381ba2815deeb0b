// Renders a Backstage template parameter step (JSON Schema + inline `ui:*` keys) as a form and
// validates it. Supports string (text, textarea, password, enum), number/integer, boolean and
// arrays of enum strings — the subset the example templates and most real templates use.
import { h } from './dom.js';

/**
 * Builds the fields for one step. Returns `{ element, read(), validate() }` where `read()` gives
 * the step's values and `validate()` marks invalid fields and returns whether all passed.
 */
export function schemaForm(schema, values, idPrefix) {
  const properties = schema?.properties && typeof schema.properties === 'object' ? schema.properties : {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  const fields = Object.entries(properties)
    .filter(([, prop]) => prop && typeof prop === 'object' && prop['ui:widget'] !== 'hidden')
    .map(([key, prop]) => field(key, prop, required.has(key), values[key], `${idPrefix}-${key}`));

  return {
    element: h('div', { class: 'form-fields' }, fields.map((f) => f.element)),
    read() {
      const out = {};
      for (const f of fields) {
        const v = f.read();
        if (v !== undefined) out[f.key] = v;
      }
      return out;
    },
    validate() {
      let ok = true;
      let first = null;
      for (const f of fields) {
        const message = f.check();
        f.showError(message);
        if (message && ok) first = f;
        ok &&= !message;
      }
      first?.focus();
      return ok;
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
    return { key, element, read, check: () => null, showError: show(errorEl, input), focus: () => input.focus() };
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
    const check = () => (isRequired && read().length === 0 ? `${label} needs at least one value` : null);
    return { key, element, read, check, showError: show(errorEl, boxes[0]), focus: () => boxes[0]?.focus() };
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

  const check = () => {
    const v = read();
    if (v === undefined) return isRequired ? `${label} is required` : null;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return `${label} must be a number`;
      if (prop.type === 'integer' && !Number.isInteger(v)) return `${label} must be a whole number`;
      if (typeof prop.minimum === 'number' && v < prop.minimum) return `${label} must be at least ${prop.minimum}`;
      if (typeof prop.maximum === 'number' && v > prop.maximum) return `${label} must be at most ${prop.maximum}`;
    }
    if (typeof v === 'string') {
      if (typeof prop.minLength === 'number' && v.length < prop.minLength) return `${label} must be at least ${prop.minLength} characters`;
      if (typeof prop.maxLength === 'number' && v.length > prop.maxLength) return `${label} must be at most ${prop.maxLength} characters`;
      if (typeof prop.pattern === 'string') {
        let re = null;
        try {
          re = new RegExp(prop.pattern, 'u');
        } catch {
          // an invalid pattern is the template author's problem; the server validates again
        }
        if (re && !re.test(v)) return `${label} does not match the expected format (${prop.pattern})`;
      }
    }
    return null;
  };

  const element = h('div', { class: 'field', 'data-field': key },
    h('label', { for: id }, label, isRequired ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input, helpEl(help, helpId), errorEl);
  return { key, element, read, check, showError: show(errorEl, input), focus: () => input.focus() };
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
