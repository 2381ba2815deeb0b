export { composeIdentifiers } from './compose-identifiers.js';
export { createJwtIdentifier } from './jwt-identifier.js';
export type { JwtIdentifierOptions } from './jwt-identifier.js';
export { PrincipalMappingError } from './principal-mapping-error.js';
export { createStaticTokenIdentifier } from './static-token-identifier.js';
export type { StaticTokenIdentifierOptions } from './static-token-identifier.js';
export type { TokenIdentifier } from './types.js';
