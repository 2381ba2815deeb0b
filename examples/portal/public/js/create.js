// Software templates: picker, multi-step parameter form, task page with a live log.
import { h, mount, notice, chip, safeUrl } from './dom.js';
import { catalogApi, scaffolderApi } from './api.js';
import { entityHref, humanRef, parseRef } from './refs.js';
import { schemaForm } from './form.js';
import { session } from './session.js';

/** Why the principal may not run a template (per `/api/auth/whoami`), or null when it may. */
function cannotRun(ref) {
  if (session.templates[ref] !== false) return null;
  return session.principal.type === 'anonymous'
    ? 'Sign in to run templates.'
    : 'You may not run this template: it needs permissions your teams do not have.';
}

export async function templatesPage({ root, signal }) {
  mount(root, h('h1', null, 'Create something new'), h('p', { class: 'muted' }, 'Loading templates…'));
  const res = await catalogApi.query({ filter: 'kind=template', orderField: 'metadata.title,asc', limit: 100 });
  if (signal.aborted) return;
  const items = res.items ?? [];
  mount(root,
    h('div', { class: 'page-head' }, h('div', null,
      h('h1', null, 'Create something new'),
      h('p', { class: 'lead' }, 'Pick a software template. It creates a repository and registers it in the catalog.'))),
    items.length
      ? h('div', { class: 'cards' }, items.map((t) => {
        const ns = t.metadata.namespace ?? 'default';
        const refused = cannotRun(`template:${ns.toLowerCase()}/${t.metadata.name.toLowerCase()}`);
        return h('article', { class: 'card template-card', 'data-template': t.metadata.name, 'data-runnable': refused ? 'false' : 'true' },
          h('p', { class: 'eyebrow' }, typeof t.spec?.type === 'string' ? t.spec.type : 'template'),
          h('h2', null, t.metadata.title ?? t.metadata.name),
          h('p', null, t.metadata.description ?? ''),
          h('p', { class: 'tags' }, (t.metadata.tags ?? []).map((tag) => chip(tag))),
          refused
            ? h('p', { class: 'muted not-allowed' }, refused)
            : h('a', { class: 'button', href: `#/create/${encodeURIComponent(ns)}/${encodeURIComponent(t.metadata.name)}` }, 'Choose'));
      }))
      : notice('info', 'No templates in the catalog yet.'));
}

export async function templatePage({ root, signal, navigate }, { namespace, name }) {
  mount(root, h('p', { class: 'muted' }, 'Loading template…'));
  const schema = await scaffolderApi.parameterSchema(namespace, 'template', name);
  if (signal.aborted) return;
  const steps = Array.isArray(schema.steps) ? schema.steps : [];
  const values = {};
  let index = 0;
  const body = h('div', { class: 'wizard-body' });
  const stepper = h('ol', { class: 'stepper' });

  mount(root,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/create' }, 'Create'), ' / ', schema.title ?? name),
    h('div', { class: 'page-head' }, h('div', null,
      h('h1', null, schema.title ?? name),
      schema.description ? h('p', { class: 'lead' }, schema.description) : null)),
    h('div', { class: 'card wizard' }, stepper, body));

  // A step's values replace what it held before: a field hidden by a later choice is dropped.
  function keep(form) {
    for (const key of form.keys()) delete values[key];
    Object.assign(values, form.read());
  }

  function renderStepper() {
    mount(stepper, [...steps.map((s) => s.title ?? 'Step'), 'Review'].map((title, i) =>
      h('li', { class: i === index ? 'current' : i < index ? 'done' : '' }, h('span', { class: 'step-no' }, String(i + 1)), title)));
  }

  function renderStep() {
    renderStepper();
    if (index >= steps.length) return renderReview();
    const step = steps[index];
    const form = schemaForm(step.schema ?? {}, values, `f${index}`);
    const el = h('form', {
      class: 'step-form', novalidate: true, 'data-step': String(index),
      onsubmit: (event) => {
        event.preventDefault();
        const others = { ...values };
        for (const key of form.keys()) delete others[key];
        if (!form.validate(others)) return;
        keep(form);
        index += 1;
        renderStep();
      },
    },
    h('h2', null, step.title ?? `Step ${index + 1}`),
    step.description ? h('p', { class: 'muted' }, step.description) : null,
    form.element,
    h('div', { class: 'actions' },
      index > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => { keep(form); index -= 1; renderStep(); } }, 'Back') : null,
      h('button', { type: 'submit', id: 'next-step' }, 'Next')));
    mount(body, el);
    el.querySelector('input, select, textarea')?.focus();
  }

  function renderReview() {
    const refused = cannotRun(`template:${namespace.toLowerCase()}/${name.toLowerCase()}`);
    if (refused) {
      mount(body, h('h2', null, 'Review'), notice('error', refused), h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => { index -= 1; renderStep(); } }, 'Back')));
      return;
    }
    const error = h('div');
    const create = h('button', { type: 'button', id: 'create-button' }, 'Create');
    create.addEventListener('click', async () => {
      create.disabled = true;
      try {
        const { id } = await scaffolderApi.createTask(`template:${namespace}/${name}`, values);
        navigate(`#/tasks/${encodeURIComponent(id)}`);
      } catch (e) {
        create.disabled = false;
        mount(error, notice('error', `Could not start the task: ${e.message}`));
      }
    });
    mount(body,
      h('h2', null, 'Review'),
      h('dl', { class: 'about review' }, Object.entries(values).map(([k, v]) => [h('dt', null, k), h('dd', null, Array.isArray(v) ? v.join(', ') : String(v))])),
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => { index -= 1; renderStep(); } }, 'Back'),
        create));
  }

  renderStep();
}

export async function taskPage({ root, signal }, taskId) {
  mount(root, h('p', { class: 'muted' }, 'Loading task…'));
  const task = await scaffolderApi.task(taskId);
  if (signal.aborted) return;
  const title = task.spec?.templateInfo?.entity?.metadata?.title ?? 'Task';
  const specSteps = Array.isArray(task.spec?.steps) ? task.spec.steps : [];
  const stepStatus = new Map(specSteps.map((s) => [s.id, 'open']));
  const statusEl = h('span', { class: `status status-${task.status}`, id: 'task-status' }, task.status);
  const stepsEl = h('ol', { class: 'task-steps' });
  const logEl = h('pre', { class: 'log', id: 'task-log', 'aria-live': 'polite' });
  const outputEl = h('div', { id: 'task-output' });

  mount(root,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/create' }, 'Create'), ' / task'),
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, title), h('p', { class: 'muted' }, 'Task ', h('code', null, taskId), ' · ', statusEl))),
    h('div', { class: 'task-layout' },
      h('section', { class: 'card' }, h('h2', null, 'Steps'), stepsEl),
      h('section', { class: 'card' }, h('h2', null, 'Log'), logEl)),
    outputEl);

  function renderSteps() {
    mount(stepsEl, specSteps.map((s) => {
      const st = stepStatus.get(s.id) ?? 'open';
      return h('li', { class: `step step-${st}`, 'data-step-id': s.id }, h('span', { class: 'step-icon', 'aria-hidden': 'true' }), s.name ?? s.id, h('span', { class: 'muted small' }, ` ${st}`));
    }));
  }
  renderSteps();

  const setStatus = (status) => {
    statusEl.textContent = status;
    statusEl.className = `status status-${status}`;
  };

  async function finish() {
    const done = await scaffolderApi.task(taskId);
    if (signal.aborted) return;
    setStatus(done.status);
    renderOutput(outputEl, done.output ?? {}, done.status);
  }

  let completed = false;
  const onEvent = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return true;
    }
    const body = event.body ?? {};
    if (event.type === 'log') {
      if (body.stepId && body.status) {
        stepStatus.set(body.stepId, body.status);
        renderSteps();
      }
      if (typeof body.message === 'string') {
        const line = h('span', { class: 'log-line' }, body.stepId ? h('span', { class: 'log-step' }, `[${body.stepId}] `) : null, body.message, '\n');
        logEl.append(line);
        logEl.scrollTop = logEl.scrollHeight;
      }
      if (task.status === 'open') setStatus('processing');
    } else if (event.type === 'completion') {
      completed = true;
      if (body.message) logEl.append(h('span', { class: 'log-line log-final' }, body.message, '\n'));
      finish().catch((e) => mount(outputEl, notice('error', e.message)));
      return false;
    }
    return true;
  };
  // fetch, not EventSource: the request carries the bearer token. A dropped stream is reopened
  // (the server replays the log) until the task is finished.
  for (let attempt = 0; attempt < 30 && !completed && !signal.aborted; attempt += 1) {
    try {
      await scaffolderApi.eventStream(taskId, onEvent, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error.status === 401 || error.status === 403 || error.status === 404) {
        mount(outputEl, notice('error', error.message));
        return;
      }
    }
    if (completed || signal.aborted) return;
    const current = await scaffolderApi.task(taskId).catch(() => null);
    if (current && ['completed', 'failed', 'cancelled'].includes(current.status)) {
      await finish();
      return;
    }
    logEl.replaceChildren();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function renderOutput(el, output, status) {
  const links = Array.isArray(output.links) ? output.links : [];
  const texts = Array.isArray(output.text) ? output.text : [];
  mount(el, h('section', { class: `card output output-${status}` },
    h('h2', null, status === 'completed' ? 'Done' : `Task ${status}`),
    status !== 'completed' ? notice('error', 'The task did not complete. See the log above.') : null,
    links.length ? h('ul', { class: 'output-links' }, links.map((link) => {
      const label = link.title ?? link.url ?? link.entityRef;
      if (typeof link.entityRef === 'string') {
        return h('li', null, h('a', { href: entityHref(parseRef(link.entityRef)), class: 'button', 'data-output-entity': link.entityRef }, label ?? humanRef(link.entityRef)));
      }
      if (typeof link.url === 'string') {
        const safe = safeUrl(link.url);
        return h('li', null, safe === '#' ? [label, ': ', h('code', null, link.url)] : h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer' }, label));
      }
      return null;
    })) : null,
    texts.map((t) => h('div', { class: 'output-text' }, t.title ? h('h3', null, t.title) : null, h('pre', { class: 'code' }, String(t.content ?? ''))))));
}
