// Scorecards: a level badge per scorecard on entity pages, and an overview page (#/scorecards)
// with entities per level and the worst offenders.
import { h, mount, notice } from './dom.js';
import { scorecardsApi } from './api.js';
import { entityHref, humanRef, parseRef } from './refs.js';

const levelTitle = (card, id) => card?.levels.find((l) => l.id === id)?.title ?? id ?? 'no level';
const failing = (result) => result.checks.filter((c) => c.status === 'fail');

/** Fills `el` with one badge per scorecard rating the entity; leaves it empty when none does. */
export async function scorecardBadges(el, { kind, namespace, name }, signal) {
  let results;
  let cards;
  try {
    [results, { scorecards: cards }] = await Promise.all([scorecardsApi.entity(kind, namespace, name), scorecardsApi.list()]);
  } catch {
    return; // scorecards are an extra: an entity page never fails because of them
  }
  if (signal.aborted || !results.latest.length) return;
  mount(el, results.latest.map((r) => {
    const card = cards.find((c) => c.id === r.scorecardId);
    const problems = failing(r);
    return h('a', {
      class: `scorecard-badge level-${r.level ?? 'none'}`,
      href: `#/scorecards/${encodeURIComponent(r.scorecardId)}`,
      'data-scorecard': r.scorecardId,
      'data-level': r.level ?? '',
      title: problems.length ? problems.map((c) => `${c.checkId}: ${c.message}`).join('\n') : 'every check passes',
    }, `${card?.title ?? r.scorecardId}: `, h('strong', null, levelTitle(card, r.level)), ` · ${r.percentage}%`);
  }));
}

/** `#/scorecards` (every scorecard) or `#/scorecards/<id>` (one). */
export async function scorecardsPage({ root, signal }, only) {
  mount(root, h('p', { class: 'muted' }, 'Loading scorecards…'));
  const { scorecards, problems } = await scorecardsApi.list();
  const shown = only ? scorecards.filter((c) => c.id === only) : scorecards;
  const summaries = await Promise.all(shown.map((c) => scorecardsApi.summary(c.id, 10)));
  if (signal.aborted) return;
  mount(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Scorecards')),
    problems.map((p) => notice('error', h('strong', null, humanRef(parseRef(p.entityRef), true)), ': ', p.message)),
    shown.length ? null : h('p', { class: 'muted' }, only ? `No scorecard ${only}.` : 'No scorecards yet.'),
    summaries.map((s) => scorecardSection(s)));
}

function scorecardSection(summary) {
  const card = summary.scorecard;
  return h('section', { class: 'card scorecard', 'data-scorecard': card.id },
    h('h2', null, card.title),
    card.description ? h('p', { class: 'muted' }, card.description) : null,
    h('div', { class: 'table-wrap' }, h('table', { class: 'entities scorecard-levels' },
      h('thead', null, h('tr', null, h('th', null, 'Level'), h('th', null, 'Checks'), h('th', null, 'Entities'))),
      h('tbody', null,
        card.levels.map((level, i) => h('tr', { 'data-level': level.id },
          h('td', null, h('span', { class: `scorecard-badge level-${level.id}` }, level.title)),
          h('td', null, level.checks.map((c) => c.title).join(', ')),
          h('td', null, String(summary.levels[i]?.count ?? 0)))),
        h('tr', { 'data-level': '' }, h('td', null, 'Below the first level'), h('td', null, ''), h('td', null, String(summary.belowFirstLevel)))))),
    h('p', { class: 'muted summary' }, `${summary.total} entities rated, ${summary.averagePercentage}% on average.`),
    summary.worst.length ? [
      h('h3', null, 'Worst offenders'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'entities scorecard-worst' },
        h('thead', null, h('tr', null, h('th', null, 'Entity'), h('th', null, 'Level'), h('th', null, 'Score'), h('th', null, 'Failing checks'))),
        h('tbody', null, summary.worst.map((r) => {
          const ref = parseRef(r.entityRef);
          return h('tr', { 'data-entity-ref': r.entityRef },
            h('td', null, h('a', { href: entityHref(ref) }, humanRef(ref))),
            h('td', null, levelTitle(card, r.level)),
            h('td', null, `${r.percentage}%`),
            h('td', null, failing(r).map((c) => c.message).join('; ')));
        })))),
    ] : null);
}
