// GitLab REST v4 response shapes, as Gitbeaker's generated schema types describe them. The
// integration reads its responses through these, and the contract server in
// test/support/contract/gitlab types its responses with the same ones (one home).
export type {
  BranchSchema,
  CommitSchema,
  CondensedNamespaceSchema,
  MergeRequestSchema,
  NamespaceSchema,
  ProjectSchema,
  RepositoryFileExpandedSchema,
  RepositoryTreeSchema,
  SimpleProjectSchema,
  SimpleUserSchema,
  TagSchema,
} from '@gitbeaker/rest';
