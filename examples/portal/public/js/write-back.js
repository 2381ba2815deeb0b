// "Change owner": the portal's write-back action (docs/write-back.md). The catalog decides how
// the change goes — a pull request for entities read from a GitHub repository, a direct change
// for provider-owned ones — and refuses (with a message shown here) what it cannot write back.
import { h, mount, notice } from './dom.js';
import { catalogApi } from './api.js';

/** The card with the form; `onChanged()` reloads the page after a direct change. */
export function changeOwnerCard(entity, onChanged) {
  const ns = entity.metadata.namespace ?? 'default';
  const current = typeof entity.spec?.owner === 'string' ? entity.spec.owner : '';
  const input = h('input', { type: 'text', id: 'new-owner', name: 'owner', value: current, required: true, 'aria-label': 'New owner (entity ref)', placeholder: 'group:default/team-a' });
  const status = h('div', { id: 'change-owner-status', role: 'status' });
  const button = h('button', { type: 'submit', id: 'change-owner-submit' }, 'Change owner');
  const form = h('form', { class: 'change-owner', id: 'change-owner-form' }, h('label', { for: 'new-owner' }, 'New owner'), input, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const owner = input.value.trim();
    if (!owner) return;
    button.disabled = true;
    mount(status, h('p', { class: 'muted' }, 'Submitting…'));
    try {
      const result = await catalogApi.update(entity.kind, ns, entity.metadata.name, {
        patch: { spec: { owner } },
        title: `Change the owner of ${entity.metadata.name} to ${owner}`,
      });
      if (result.method === 'pull-request') {
        mount(status, notice('success', 'Pull request opened: ', h('a', { href: result.url, rel: 'noopener noreferrer', target: '_blank', id: 'change-owner-pr' }, `#${result.number}`)));
      } else {
        // Changed and processed already: the page is shown again with the new owner.
        onChanged?.();
      }
    } catch (error) {
      mount(status, notice('error', `Could not change the owner: ${error.message}`));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'change-owner-h', id: 'change-owner' }, h('h2', { id: 'change-owner-h' }, 'Change owner'), form, status);
}
