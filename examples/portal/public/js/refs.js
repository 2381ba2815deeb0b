// Entity reference helpers mirroring @backstage/catalog-model's parse/stringify rules.

/** Parses `kind:namespace/name` with optional kind/namespace. */
export function parseRef(ref, defaults = {}) {
  let rest = String(ref);
  let kind = defaults.kind;
  let namespace = defaults.namespace ?? 'default';
  const colon = rest.indexOf(':');
  if (colon > 0) {
    kind = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const slash = rest.indexOf('/');
  if (slash > 0) {
    namespace = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  return { kind: (kind ?? 'component').toLowerCase(), namespace: namespace.toLowerCase(), name: rest };
}

export function stringifyRef({ kind, namespace, name }) {
  return `${kind.toLowerCase()}:${(namespace ?? 'default').toLowerCase()}/${name}`;
}

export function refOf(entity) {
  return stringifyRef({ kind: entity.kind, namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name });
}

/** Short label: `name` in the default namespace, `namespace/name` elsewhere. */
export function humanRef(ref, withKind = false) {
  const { kind, namespace, name } = typeof ref === 'string' ? parseRef(ref) : ref;
  const base = namespace === 'default' ? name : `${namespace}/${name}`;
  return withKind ? `${kind}:${base}` : base;
}

export function entityHref(ref) {
  const { kind, namespace, name } = typeof ref === 'string' ? parseRef(ref) : ref;
  return `#/entity/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export function docsHref(ref, path = '') {
  const { kind, namespace, name } = typeof ref === 'string' ? parseRef(ref) : ref;
  return `#/docs/${encodeURIComponent(namespace)}/${encodeURIComponent(kind)}/${encodeURIComponent(name)}/${path}`;
}
