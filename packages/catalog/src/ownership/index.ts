export { createCatalogOwnershipResolver } from './ownership-resolver.js';
export type { CatalogOwnershipResolver, CatalogOwnershipResolverOptions } from './ownership-resolver.js';
