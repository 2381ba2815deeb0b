// The contract server's response bodies are typed with Gitbeaker's exported schema types (the
// TypeScript description of GitLab's REST v4 responses that @gitbeaker/rest ships), re-exported by
// the integration. GitLab's own description, doc/api/openapi/openapi_v2.yaml in gitlabhq/gitlabhq,
// is 2 MB inside a 2.7 GB repository and could not be brought here offline, so responses are not
// validated against it at run time.
export type * from '../../../../packages/integrations/src/gitlab/schemas.js';
