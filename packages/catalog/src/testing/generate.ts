import type { Entity } from '@portalkit/catalog-model';

/**
 * Deterministic generated catalog of `count` valid entities of every built-in kind with a
 * realistic mix and relations between them (owners, systems, APIs, dependencies, members).
 * Used by benchmarks and load tests.
 *
 * @example
 * ```ts
 * const entities = generateCatalogEntities(10_000);
 * ```
 */
export function generateCatalogEntities(count: number): Entity[] {
  const groups = Math.max(5, Math.floor(count / 100));
  const users = Math.max(5, Math.floor(count / 50));
  const domains = Math.max(2, Math.floor(count / 2000));
  const systems = Math.max(3, Math.floor(count / 200));
  const apis = Math.max(3, Math.floor(count / 10));
  const resources = Math.max(3, Math.floor(count / 20));
  const components = Math.max(1, count - groups - users - domains - systems - apis - resources);
  const v = 'backstage.io/v1alpha1';
  const langs = ['java', 'go', 'python', 'typescript', 'rust', 'kotlin'];
  const lifecycles = ['production', 'experimental', 'deprecated'];
  const types = ['service', 'website', 'library'];
  const out: Entity[] = [];
  for (let i = 0; i < groups; i++) {
    out.push({
      apiVersion: v,
      kind: 'Group',
      metadata: { name: `team-${i}`, description: `Team number ${i}` },
      spec: { type: 'team', children: [], ...(i > 0 ? { parent: `team-${Math.floor((i - 1) / 4)}` } : {}) },
    });
  }
  for (let i = 0; i < users; i++) {
    out.push({
      apiVersion: v,
      kind: 'User',
      metadata: { name: `user-${i}` },
      spec: { profile: { displayName: `User ${i}`, email: `user-${i}@example.com` }, memberOf: [`team-${i % groups}`] },
    });
  }
  for (let i = 0; i < domains; i++) {
    out.push({ apiVersion: v, kind: 'Domain', metadata: { name: `domain-${i}` }, spec: { owner: `team-${i % groups}` } });
  }
  for (let i = 0; i < systems; i++) {
    out.push({
      apiVersion: v,
      kind: 'System',
      metadata: { name: `system-${i}` },
      spec: { owner: `team-${i % groups}`, domain: `domain-${i % domains}` },
    });
  }
  for (let i = 0; i < apis; i++) {
    out.push({
      apiVersion: v,
      kind: 'API',
      metadata: { name: `api-${i}`, tags: [langs[i % langs.length]!] },
      spec: {
        type: i % 5 === 0 ? 'asyncapi' : 'openapi',
        lifecycle: lifecycles[i % 3]!,
        owner: `team-${i % groups}`,
        system: `system-${i % systems}`,
        definition: `openapi: 3.0.0\ninfo:\n  title: api-${i}\n  version: 1.0.0\npaths: {}\n`,
      },
    });
  }
  for (let i = 0; i < resources; i++) {
    out.push({
      apiVersion: v,
      kind: 'Resource',
      metadata: { name: `resource-${i}` },
      spec: { type: i % 2 ? 'database' : 's3-bucket', owner: `team-${i % groups}`, system: `system-${i % systems}` },
    });
  }
  for (let i = 0; i < components; i++) {
    out.push({
      apiVersion: v,
      kind: 'Component',
      metadata: {
        name: `component-${i}`,
        title: `Component ${i}`,
        description: `Generated component number ${i} for load testing`,
        tags: [langs[i % langs.length]!, langs[(i + 2) % langs.length]!],
        annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
      },
      spec: {
        type: types[i % 3]!,
        lifecycle: lifecycles[i % 3]!,
        owner: `team-${i % groups}`,
        system: `system-${i % systems}`,
        providesApis: [`api-${i % apis}`],
        consumesApis: [`api-${(i * 7) % apis}`],
        dependsOn: [`resource:resource-${i % resources}`],
      },
    });
  }
  return out;
}

/**
 * Block-style YAML for plain JSON data (what catalog files look like), without a YAML library:
 * strings are JSON-quoted when they need it, which YAML reads back unchanged.
 *
 * @example
 * ```ts
 * toYaml({ kind: 'Component', metadata: { name: 'a', tags: ['x'] } });
 * // 'kind: Component\nmetadata:\n  name: a\n  tags:\n    - x\n'
 * ```
 */
export function toYaml(value: unknown, indent = ''): string {
  const scalar = (v: unknown) => {
    if (typeof v === 'string') return /^[A-Za-z0-9][\w./@ -]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~|[\d.]+)$/i.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
    return JSON.stringify(v);
  };
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}[]\n`;
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object' && !(Array.isArray(item) && item.length === 0)) {
          const inner = toYaml(item, `${indent}  `);
          return `${indent}- ${inner.slice(indent.length + 2)}`;
        }
        return `${indent}- ${scalar(item)}\n`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${indent}{}\n`;
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][\w./-]*$/.test(k) ? k : JSON.stringify(k);
        if (v !== null && typeof v === 'object' && Object.keys(v).length > 0) return `${indent}${key}:\n${toYaml(v, `${indent}  `)}`;
        if (Array.isArray(v)) return `${indent}${key}: []\n`;
        if (v !== null && typeof v === 'object') return `${indent}${key}: {}\n`;
        return `${indent}${key}: ${scalar(v)}\n`;
      })
      .join('');
  }
  return `${indent}${scalar(value)}\n`;
}
