/*
 * Deterministic generator of raw entities of every built-in kind, valid and invalid, for the
 * compatibility tests and the validation benchmark. Each entity starts valid and, with
 * probability `invalidRate`, gets one to three mutations drawn from tables of values that
 * Backstage accepts or rejects (the mutation tables mix both, so "mutated" is not "invalid";
 * the Backstage oracle decides).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export interface GenerateOptions {
  count: number;
  seed?: number;
  /** Probability that an entity is mutated (default 0.5). */
  invalidRate?: number;
}

/** A small seeded random number generator, so generated data and failures reproduce. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES: Json[] = ['a', 'petstore', 'a-b', 'a_b.c', 'A1', 'a..b', 'x'.repeat(63), 'x'.repeat(64), '-a', 'a-', 'a b', '', 'ä', 'a/b', 'a:b', 5, null, '_a', 'a_'];
const NAMESPACES: Json[] = ['default', 'team-a', 'a--b', 'Team', '-a', 'a-', '', 'a.b', 'n'.repeat(63), 'n'.repeat(64), 5, 'a_b'];
const KINDS: Json[] = ['component', 'Foo', 'Comp onent', '', 5, 'K'.repeat(64), 'API', 'Group', '9a'];
const API_VERSIONS: Json[] = ['backstage.io/v1alpha1', 'backstage.io/v1beta1', 'backstage.io/v2', 'v1', 'a/b/c', '', 'Backstage.io/v1alpha1', 'scaffolder.backstage.io/v1beta3', 'example.com/v1', 7, '/v1', 'backstage.io/', 'backstage.io/v1-alpha'];
const LABELS: Json[] = [{ a: 'b' }, { 'example.com/x': 'y' }, { a: '' }, { 'a/b/c': 'x' }, { '/x': 'y' }, { 'x/': 'y' }, { a: 'a b' }, { a: 5 }, [], null, { 'Example.com/x': 'y' }, { 'a.b/c_d': 'e.f' }, 'x'];
const ANNOTATIONS: Json[] = [{ 'backstage.io/techdocs-ref': 'dir:.' }, { a: 'any value at all !' }, { a: 5 }, { 'a b': 'c' }, {}, { '': 'x' }, [], { 'github.com/project-slug': 'o/r' }, { a: '' }];
const TAGS: Json[] = [['java', 'c++', 'c#', 'a:b'], ['Java'], ['a b'], [''], [5], 'java', ['t'.repeat(63)], ['t'.repeat(64)], ['a-b-c'], ['a--b'], ['-a'], []];
const LINKS: Json[] = [
  [{ url: 'https://example.com' }],
  [{ url: 'nope' }],
  [{}],
  [{ url: 'https://x.example', title: ' ' }],
  [{ url: 'https://x.example', title: '' }],
  [{ url: 'https://x.example', type: '' }],
  ['x'],
  { url: 'https://x.example' },
  [{ url: 'https://x.example', icon: 'dashboard', extra: 1 }],
  [{ url: 'mailto:a@b.c', title: 'Mail', type: 'contact' }],
  [{ url: 5 }],
  [{ url: '' }],
  [{ url: 'https://x.example', icon: 5 }],
];
const SCALARS: Json[] = ['', 5, null, true, [], {}, 'ok', ' '];
const LISTS: Json[] = ['x', [''], [5], [], ['a', 'b'], null, [null], {}];

const SPECS: Record<string, { apiVersion: string; spec: () => Obj; required: string[]; lists: string[]; optional: string[] }> = {
  Component: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ type: 'service', lifecycle: 'production', owner: 'team-a', system: 'payments', providesApis: ['petstore-api'] }),
    required: ['type', 'lifecycle', 'owner'],
    lists: ['providesApis', 'consumesApis', 'dependsOn'],
    optional: ['system', 'subcomponentOf'],
  },
  API: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' }),
    required: ['type', 'lifecycle', 'owner', 'definition'],
    lists: [],
    optional: ['system'],
  },
  Resource: {
    apiVersion: 'backstage.io/v1beta1',
    spec: () => ({ type: 'database', owner: 'team-a', dependsOn: ['resource:other'] }),
    required: ['type', 'owner'],
    lists: ['dependsOn'],
    optional: ['system'],
  },
  System: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ owner: 'team-a', domain: 'commerce' }),
    required: ['owner'],
    lists: [],
    optional: ['domain', 'type'],
  },
  Domain: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ owner: 'team-a' }),
    required: ['owner'],
    lists: [],
    optional: ['subdomainOf', 'type'],
  },
  Group: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ type: 'team', children: [], profile: { displayName: 'Team A', email: 'a@example.com' }, parent: 'org' }),
    required: ['type', 'children'],
    lists: ['children', 'members'],
    optional: ['parent', 'profile'],
  },
  User: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ memberOf: ['team-a'], profile: { displayName: 'Jane', email: 'jane@example.com' } }),
    required: ['memberOf'],
    lists: ['memberOf'],
    optional: ['profile'],
  },
  Location: {
    apiVersion: 'backstage.io/v1alpha1',
    spec: () => ({ type: 'url', targets: ['./a/catalog-info.yaml'] }),
    required: [],
    lists: ['targets'],
    optional: ['type', 'target', 'presence'],
  },
  Template: {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    spec: () => ({
      type: 'service',
      owner: 'team-a',
      parameters: [{ title: 'Fill in', required: ['name'], properties: { name: { type: 'string' } } }],
      steps: <Json[]>[
        { id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
        { id: 'log', action: 'debug:log', input: { message: 'hi' }, if: '${{ parameters.name }}' },
      ],
      output: { links: [{ title: 'Repo', url: 'https://example.com' }], extra: '${{ steps.fetch.output.x }}' },
    }),
    required: ['type', 'steps'],
    lists: [],
    optional: ['owner', 'lifecycle'],
  },
};

const KIND_NAMES = Object.keys(SPECS);

const TEMPLATE_MUTATIONS: Array<(spec: Obj) => void> = [
  (s) => void (s['parameters'] = 'x'),
  (s) => void (s['parameters'] = { properties: {} }),
  (s) => void (s['parameters'] = [5]),
  (s) => void (s['steps'] = [{}]),
  (s) => void (s['steps'] = [{ action: 5 }]),
  (s) => void (s['steps'] = [{ action: 'a', if: 5 }]),
  (s) => void (s['steps'] = [{ action: 'a', if: false, each: ['x'] }]),
  (s) => void (s['steps'] = [{ action: 'a', input: [] }]),
  (s) => void (s['steps'] = 'x'),
  (s) => void (s['output'] = { a: 1 }),
  (s) => void (s['output'] = { links: [{ url: '' }] }),
  (s) => void (s['output'] = { text: [{ content: 'x', title: 'T' }] }),
  (s) => void (s['output'] = []),
  (s) => void (s['secrets'] = { schema: 'x' }),
  (s) => void (s['presentation'] = { buttonLabels: { backButtonText: 5 } }),
];

export function generateEntities(options: GenerateOptions): unknown[] {
  const rand = mulberry32(options.seed ?? 42);
  const invalidRate = options.invalidRate ?? 0.5;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const out: unknown[] = [];
  for (let i = 0; i < options.count; i++) {
    const kind = pick(KIND_NAMES);
    const def = SPECS[kind]!;
    const metadata: Obj = { name: `entity-${i}`, description: 'Generated entity', tags: ['generated'] };
    if (rand() < 0.3) metadata['namespace'] = 'team-a';
    if (rand() < 0.3) metadata['annotations'] = { 'backstage.io/techdocs-ref': 'dir:.' };
    if (rand() < 0.2) metadata['links'] = [{ url: 'https://example.com/dash', title: 'Dashboard' }];
    if (rand() < 0.2) metadata['labels'] = { tier: 'one' };
    const entity: Obj = { apiVersion: def.apiVersion, kind, metadata, spec: def.spec() };
    if (rand() < invalidRate) {
      const mutations = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < mutations; m++) mutate(entity, def, pick, rand);
    }
    out.push(rand() < 0.002 ? pick<Json>([null, 'entity', 5, []]) : entity);
  }
  return out;
}

function mutate(
  entity: Obj,
  def: (typeof SPECS)[string],
  pick: <T>(list: readonly T[]) => T,
  rand: () => number,
): void {
  // Earlier mutations may have replaced metadata or spec; later ones then write to a scratch object.
  const asObj = (v: Json | undefined): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
  const metadata = asObj(entity['metadata']);
  const spec = asObj(entity['spec']);
  const choice = Math.floor(rand() * 22);
  switch (choice) {
    case 0: metadata['name'] = pick(NAMES); break;
    case 1: metadata['namespace'] = pick(NAMESPACES); break;
    case 2: entity['kind'] = pick(KINDS); break;
    case 3: entity['apiVersion'] = pick(API_VERSIONS); break;
    case 4: metadata['labels'] = pick(LABELS); break;
    case 5: metadata['annotations'] = pick(ANNOTATIONS); break;
    case 6: metadata['tags'] = pick(TAGS); break;
    case 7: metadata['links'] = pick(LINKS); break;
    case 8: metadata[pick(['title', 'description', 'uid', 'etag'])] = pick(SCALARS); break;
    case 9: entity[pick(['relations', 'status', 'foo'])] = pick<Json>([[], {}, 1]); break;
    case 10: if (def.required.length) delete spec[pick(def.required)]; break;
    case 11: if (def.required.length) spec[pick(def.required)] = pick(SCALARS); break;
    case 12: if (def.lists.length) spec[pick(def.lists)] = pick(LISTS); break;
    case 13: entity['spec'] = pick<Json>([null, [], 'spec', 5]); break;
    case 14: delete entity['spec']; break;
    case 15: spec['somethingExtra'] = pick(SCALARS); break;
    case 16: if (def.optional.length) spec[pick(def.optional)] = pick(SCALARS); break;
    case 17:
      if (entity['kind'] === 'Template') pick(TEMPLATE_MUTATIONS)(spec);
      else if (entity['kind'] === 'Location') spec['presence'] = pick<Json>(['required', 'optional', 'maybe', 5]);
      else if (entity['kind'] === 'Group' || entity['kind'] === 'User') spec['profile'] = pick<Json>([{ email: '' }, { picture: 5 }, 'x', { displayName: 'X', extra: 1 }]);
      break;
    case 18: entity['metadata'] = pick<Json>([null, [], 'meta', {}]); break;
    case 19: delete entity[pick(['apiVersion', 'kind', 'metadata'])]; break;
    case 20: delete metadata['name']; break;
    default: metadata['extraMetaField'] = pick(SCALARS); break;
  }
}
