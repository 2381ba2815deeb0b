// Hash router: `#/catalog`, `#/entity/component/default/foo`, `#/create`, `#/create/default/tpl`,
// `#/tasks/<id>`, `#/docs`, `#/docs/default/component/foo/<page>`, `#/search?q=`, `#/scorecards[/<id>]`.
import { h, mount, notice } from './dom.js';
import { catalogPage } from './catalog.js';
import { entityPage } from './entity.js';
import { templatesPage, templatePage, taskPage } from './create.js';
import { docsIndexPage, docsPage } from './docs.js';
import { searchPage } from './search.js';
import { scorecardsPage } from './scorecards.js';
import { loadSession, onSessionChange, session, signIn, signOut } from './session.js';

const root = document.getElementById('app');
let current = null;

export function parseHash(hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const segments = pathPart.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, query: new URLSearchParams(queryPart) };
}

function route({ segments, query }) {
  const [head, ...rest] = segments;
  switch (head) {
    case '':
    case 'catalog':
      return { nav: 'catalog', render: (ctx) => catalogPage(ctx, query) };
    case 'entity':
      if (rest.length >= 3) return { nav: 'catalog', render: (ctx) => entityPage(ctx, { kind: rest[0], namespace: rest[1], name: rest.slice(2).join('/') }) };
      break;
    case 'create':
      if (rest.length >= 2) return { nav: 'create', render: (ctx) => templatePage(ctx, { namespace: rest[0], name: rest[1] }) };
      return { nav: 'create', render: (ctx) => templatesPage(ctx) };
    case 'tasks':
      if (rest[0]) return { nav: 'create', render: (ctx) => taskPage(ctx, rest[0]) };
      break;
    case 'docs':
      // docsPage refuses `..`, empty segments and decoded separators in `rest` itself.
      if (rest.length >= 3) return { nav: 'docs', render: (ctx) => docsPage(ctx, rest, query) };
      return { nav: 'docs', render: (ctx) => docsIndexPage(ctx) };
    case 'scorecards':
      return { nav: 'scorecards', render: (ctx) => scorecardsPage(ctx, rest[0]) };
    case 'search':
      return { nav: '', render: (ctx) => searchPage(ctx, query.get('q') ?? '') };
    default:
      break;
  }
  return { nav: '', render: ({ root: el }) => mount(el, h('h1', null, 'Not found'), notice('error', 'No page at ', h('code', null, location.hash))) };
}

async function render() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const parsed = parseHash(location.hash || '#/catalog');
  const { nav, render: renderPage } = route(parsed);
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  const ctx = { root, signal: controller.signal, navigate: (hash) => (location.hash = hash) };
  try {
    await renderPage(ctx);
  } catch (error) {
    if (controller.signal.aborted) return;
    console.error(error);
    mount(root, notice('error', h('strong', null, error.name ?? 'Error'), ': ', error.message ?? String(error)));
  }
  if (!controller.signal.aborted) document.body.dataset.ready = parsed.segments[0] || 'catalog';
}

/** The header's sign-in state, and why the user was signed out, if they were. */
function renderAuth() {
  const area = document.getElementById('auth-area');
  const { principal, config } = session;
  if (principal.type === 'user') {
    const name = principal.displayName ?? principal.userEntityRef ?? 'Signed in';
    mount(area,
      h('span', { class: 'signed-in', id: 'signed-in-user', 'data-user': principal.userEntityRef ?? '' }, name),
      h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: signOut }, 'Sign out'));
  } else if (config.enabled) {
    const button = h('button', { type: 'button', id: 'sign-in' }, 'Sign in');
    button.addEventListener('click', () => {
      button.disabled = true;
      signIn().catch((error) => {
        button.disabled = false;
        session.notice = `Sign-in failed: ${error.message}`;
        renderAuth();
      });
    });
    mount(area, h('span', { class: 'signed-out', id: 'signed-in-user', 'data-user': '' }, 'Not signed in'), button);
  } else {
    mount(area);
  }
  const noticeEl = document.getElementById('auth-notice');
  mount(noticeEl, session.notice ? notice('error', h('span', { id: 'signed-out-notice' }, session.notice)) : null);
}

document.getElementById('global-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = new FormData(event.currentTarget).get('q')?.toString().trim() ?? '';
  location.hash = `#/search?q=${encodeURIComponent(q)}`;
});

window.addEventListener('hashchange', () => {
  delete document.body.dataset.ready;
  render();
});
await loadSession().catch((error) => {
  session.notice = `Could not check your sign-in: ${error.message}`;
});
renderAuth();
onSessionChange(() => {
  renderAuth();
  // What the page shows may depend on who is signed in.
  delete document.body.dataset.ready;
  render();
});
render();
