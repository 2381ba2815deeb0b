export { ldapOrgProviderConfigSchema } from './config.js';
export type { LdapOrgProviderConfig, ParsedLdapOrgProviderConfig } from './config.js';
export { createLdapOrgProvider } from './ldap-org-provider.js';
export type { LdapOrgProvider, LdapOrgProviderOptions } from './ldap-org-provider.js';
export { LDAP_DN_ANNOTATION, LDAP_RDN_ANNOTATION, LDAP_UUID_ANNOTATION, readLdapOrg } from './read-org.js';
export type { LdapEntry, LdapSearch } from './read-org.js';
