// Test helper (not exported from the package): derive payloads from the documented samples.

/** GitHub's push sample turned into a push to `branch` with the given commits (fields as GitHub sends them). */
export function githubBranchPush(
  sample: Record<string, unknown>,
  options: { branch: string; commits: { added: string[]; modified: string[]; removed: string[] }[]; repository?: Record<string, unknown> },
): Record<string, unknown> {
  const repository = { ...(sample.repository as Record<string, unknown>), ...options.repository };
  const commits = options.commits.map((files, i) => {
    const id = `${(i + 1).toString(16).padStart(2, '0')}`.padEnd(40, 'a');
    return {
      id,
      tree_id: id.replace(/a/g, 'b'),
      distinct: true,
      message: `change ${i + 1}`,
      timestamp: '2019-05-15T15:20:30-04:00',
      url: `${String(repository.html_url)}/commit/${id}`,
      author: { name: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com', username: 'Codertocat' },
      committer: { name: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com', username: 'Codertocat' },
      ...files,
    };
  });
  return {
    ...sample,
    ref: `refs/heads/${options.branch}`,
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: commits.at(-1)?.id ?? '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    created: false,
    deleted: false,
    forced: false,
    compare: `${String(repository.html_url)}/compare/6113728f27ae...${(commits.at(-1)?.id ?? '').slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    repository,
  };
}
