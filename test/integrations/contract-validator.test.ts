import { describe, expect, it } from 'vitest';
import { createSchemaValidator } from '../support/contract/validator.js';

// The contract servers' checks must be able to fail: wrong shapes are reported.
describe('contract validators', () => {
  it('Gitea definitions reject a wrongly typed Repository and accept a right one', () => {
    const validator = createSchemaValidator(new URL('../support/contract/gitea/gitea-swagger-definitions.json', import.meta.url));
    expect(validator.validate('Repository', { id: 1, name: 'web', owner: { login: 'acme' } })).toEqual([]);
    expect(validator.validate('Repository', { id: 'one', private: 'yes' })).toHaveLength(2);
    expect(validator.validate('ContentsResponse[]', [{ sha: 3 }])).toHaveLength(1);
    expect(validator.violations).toHaveLength(3);
  });

  it('Azure DevOps definitions reject a wrongly typed GitItem', () => {
    const validator = createSchemaValidator(new URL('../support/contract/azure/azure-devops-git-definitions.json', import.meta.url));
    expect(validator.validate('GitItem', { objectId: 'abc', gitObjectType: 'blob', path: '/x', isFolder: false })).toEqual([]);
    expect(validator.validate('GitItem', { objectId: 1, gitObjectType: 'file' })).toHaveLength(2);
  });
});
