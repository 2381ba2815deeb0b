// Kinds declared in catalog YAML (kind: KindDefinition, docs/kind-definitions.md): their facets
// become filters and their columns table columns, read from the catalog itself, no code per kind.
import { h } from './dom.js';
import { catalogApi } from './api.js';

/** The declared kinds the user can read: `{ kind, facets: [{ field, label }], columns: [{ title, field }] }`. */
export async function loadDeclaredKinds() {
  const res = await catalogApi.query({ filter: 'kind=kinddefinition', limit: 100 });
  return (res.items ?? [])
    .filter((e) => typeof e.spec?.kind === 'string')
    .map((e) => ({
      kind: e.spec.kind,
      facets: (Array.isArray(e.spec.facets) ? e.spec.facets : []).filter((f) => typeof f === 'string').map((field) => ({ field, label: `${e.spec.kind}: ${labelOf(field)}` })),
      columns: (Array.isArray(e.spec.columns) ? e.spec.columns : []).filter((c) => typeof c?.field === 'string' && typeof c?.title === 'string'),
    }));
}

/** Columns of the declared kinds present in `items`: `{ title, cell(entity) }`. */
export function declaredColumns(kinds, items) {
  const present = new Set(items.map((e) => String(e.kind).toLowerCase()));
  return kinds
    .filter((k) => present.has(k.kind.toLowerCase()))
    .flatMap((k) => k.columns.map((c) => ({
      title: c.title,
      field: c.field,
      cell: (e) => (String(e.kind).toLowerCase() === k.kind.toLowerCase() ? h('td', { 'data-column': c.field }, textOf(valueAt(e, c.field))) : h('td', null, '')),
    })));
}

function labelOf(field) {
  const last = field.split('.').pop() ?? field;
  return last.charAt(0).toUpperCase() + last.slice(1);
}

function valueAt(entity, field) {
  let value = entity;
  for (const part of field.split('.')) value = value && typeof value === 'object' ? value[part] : undefined;
  return value;
}

function textOf(value) {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(textOf).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
