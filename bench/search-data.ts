/*
 * The search bench's documents and queries: deterministic, so every run (and every process of a
 * run, e.g. a baseline checkout measured beside this one) indexes the same documents.
 */
import { entityToDocument, siteToDocuments, type SearchDocument, type SearchQuery, type SearchableEntity } from '../packages/search/src/index.js';

export interface SearchBenchData {
  catalogDocs: SearchDocument[];
  docsDocs: SearchDocument[];
  queries: Array<{ label: string; query: SearchQuery }>;
}

/** `sizes.entities` catalog entities and `sizes.docSections` TechDocs sections, and the query mix over them. */
export function searchBenchData(sizes: { entities: number; docSections: number }): SearchBenchData {
  let seed = 42;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

  const domains = ['payments', 'billing', 'ledger', 'checkout', 'search', 'identity', 'shipping', 'catalog', 'pricing', 'inventory', 'notifications', 'analytics', 'reporting', 'fraud', 'loyalty', 'gateway', 'orders', 'accounts', 'media', 'recommendations'];
  const roles = ['api', 'worker', 'frontend', 'service', 'adapter', 'scheduler', 'proxy', 'importer', 'exporter', 'cache'];
  const words = ['handles', 'card', 'refund', 'customer', 'events', 'stream', 'queue', 'kafka', 'postgres', 'redis', 'grpc', 'rest', 'batch', 'nightly', 'realtime', 'invoices', 'tax', 'currency', 'audit', 'retries', 'latency', 'throughput', 'storage', 'encryption', 'tokens', 'sessions', 'webhooks', 'partners', 'mobile', 'web', 'legacy', 'migration', 'cluster', 'region', 'backup', 'rollback', 'deploy', 'pipeline', 'metrics', 'alerts'];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');

  const entities: SearchableEntity[] = Array.from({ length: sizes.entities }, (_, i) => {
    const name = `${pick(domains)}-${pick(roles)}-${i}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: i % 10 === 0 ? 'API' : i % 25 === 0 ? 'System' : 'Component',
      metadata: {
        name,
        description: `The ${name.replace(/-\d+$/, '').replace('-', ' ')} ${sentence(12)}.`,
        tags: [pick(words), pick(words)],
        annotations: { 'github.com/project-slug': `acme/${name}`, 'backstage.io/techdocs-ref': 'dir:.' },
      },
      spec: { type: pick(['service', 'website', 'library']), owner: `team-${i % 200}`, lifecycle: pick(['production', 'experimental', 'deprecated']) },
    };
  });
  const catalogDocs: SearchDocument[] = entities.map((e) => entityToDocument(e));
  const docsDocs: SearchDocument[] = [];
  for (let site = 0; docsDocs.length < sizes.docSections; site++) {
    const sections = Array.from({ length: 10 }, (_, s) => ({
      location: `page-${s % 3}/#section-${s}`,
      title: `${pick(['Deploy', 'Rollback', 'Install', 'Configure', 'Monitor', 'Debug', 'Scale', 'Secure'])} ${pick(domains)}`,
      text: `${sentence(60)}. ${sentence(60)}.`,
    }));
    docsDocs.push(...siteToDocuments({ entityRef: `component:default/${entities[site]!.metadata.name}`, searchIndex: { docs: sections } }));
  }
  docsDocs.length = sizes.docSections;

  const billingOwner = String(entities.find((e) => e.metadata.name.startsWith('billing-') && e.kind === 'Component')!.spec!.owner);
  const queries: Array<{ label: string; query: SearchQuery }> = [
    { label: 'exact name', query: { term: entities[Math.floor(sizes.entities / 2)]!.metadata.name } },
    { label: 'one word', query: { term: 'payments' } },
    { label: 'prefix', query: { term: 'recomm' } },
    { label: 'two words', query: { term: 'ledger worker' } },
    { label: 'phrase', query: { term: '"card refund"' } },
    { label: 'rare words', query: { term: 'fraud importer kafka' } },
    { label: 'filtered', query: { term: 'billing', filters: { kind: 'Component', owner: billingOwner, lifecycle: ['production', 'experimental'] } } },
    { label: 'docs only', query: { term: 'rollback postgres', types: ['techdocs'] } },
    { label: 'typo', query: { term: 'ledgr' } },
    { label: 'page 3', query: { term: 'checkout api', pageLimit: 25 } },
  ];

  return { catalogDocs, docsDocs, queries };
}
