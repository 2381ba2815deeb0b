// gitea-js's types (generated from Gitea's swagger) for the contract server's responses. The test
// support has no dependencies of its own, so they come from the integrations package's copy.
export type {
  Commit,
  ContentsResponse,
  CreateRepoOption,
  GitEntry,
  GitTreeResponse,
  Organization,
  Repository,
  User,
} from '../../../../packages/integrations/node_modules/gitea-js/dist/index.js';
