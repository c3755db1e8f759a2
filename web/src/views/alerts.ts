// Saved searches and alerts in the matches view: "save this search" and
// the signed-in caller's newest alerts, refreshed every few seconds (so a
// new alert shows without reloading).
import { html, nothing, type TemplateResult } from 'lit-html';
import { request } from '../api';
import { firmHref, linkClick, rerender } from '../app';
import { getApiKey } from '../auth';
import { userMessage } from '../errors';
import alertsDoc from '../graphql/Alerts.graphql?raw';
import type { AlertsQuery, AlertsQueryVariables, SaveSearchMutation, SaveSearchMutationVariables, SavedSearchInput } from '../gql/operations';
import { nameOf, t } from '../i18n';
import { scoreBar } from '../ui';

/** How often the alerts are read again while the panel is shown. */
export const ALERT_POLL_MS = 3000;

type AlertEdge = AlertsQuery['alerts']['edges'][number];

const state: { alerts: AlertEdge[]; error: string; saving: boolean; saved: string; saveError: string; timer?: ReturnType<typeof setInterval>; key?: string | null } = {
  alerts: [],
  error: '',
  saving: false,
  saved: '',
  saveError: '',
};

async function refresh(): Promise<void> {
  try {
    const r = await request<AlertsQuery, AlertsQueryVariables>(alertsDoc, { first: 10 }, 'Alerts');
    const before = state.alerts.map((e) => e.node.id).join();
    state.alerts = r.data.alerts.edges;
    const changed = before !== state.alerts.map((e) => e.node.id).join() || state.error !== '';
    state.error = '';
    if (changed) rerender();
  } catch (err) {
    const msg = userMessage(err, true);
    if (msg !== state.error) {
      state.error = msg;
      rerender();
    }
  }
}

/** Starts (or keeps) reading the alerts every ALERT_POLL_MS while signed in; stops when signed out. */
function poll(): void {
  const key = getApiKey();
  if (key && (!state.timer || state.key !== key)) {
    if (state.timer) clearInterval(state.timer);
    state.key = key;
    state.alerts = [];
    void refresh();
    state.timer = setInterval(() => {
      if (!getApiKey() || !document.querySelector('[data-testid=alerts]')) {
        clearInterval(state.timer);
        state.timer = undefined;
        return;
      }
      void refresh();
    }, ALERT_POLL_MS);
  }
}

async function save(input: SavedSearchInput): Promise<void> {
  state.saving = true;
  state.saved = '';
  state.saveError = '';
  rerender();
  try {
    const r = await request<SaveSearchMutation, SaveSearchMutationVariables>(alertsDoc, { input }, 'SaveSearch');
    state.saved = r.data.saveSearch.name;
  } catch (err) {
    state.saveError = userMessage(err, true);
  } finally {
    state.saving = false;
    rerender();
  }
}

/** The "save this search" button and the alerts panel; nothing for anonymous callers. */
export function alertsPanel(input: SavedSearchInput): TemplateResult | typeof nothing {
  if (!getApiKey()) return nothing;
  poll();
  return html`<section class="alerts card" data-testid="alerts" aria-live="polite">
    <div class="titleline">
      <h3>${t('alertsTitle')}</h3>
      <button type="button" data-testid="save-search" ?disabled=${state.saving} @click=${() => save(input)}>${t('saveSearch')}</button>
    </div>
    <p class="muted">${t('alertsHelp')}</p>
    ${state.saved ? html`<p class="ok" data-testid="search-saved">${t('searchSaved', { name: state.saved })}</p>` : nothing}
    ${state.saveError ? html`<p class="bad" data-testid="save-error">${state.saveError}</p>` : nothing}
    ${state.error ? html`<p class="bad">${state.error}</p>` : nothing}
    ${state.alerts.length
      ? html`<ol class="plain" data-testid="alert-list">
          ${state.alerts.map(
            ({ node: a }) => html`<li class="alert" data-testid="alert">
              <strong><a href=${firmHref(a.match.candidate.id)} @click=${linkClick}>${nameOf(a.match.candidate)}</a></strong>
              <span class="muted">${t('alertFor', { name: a.savedSearch.name })} · ${new Date(a.createdAt).toLocaleString()}</span>
              ${scoreBar(a.match.score)}
              <div class="muted">${a.match.reasons.slice(0, 2).join('；')}</div>
            </li>`,
          )}
        </ol>`
      : html`<p class="muted" data-testid="alerts-empty">${t('alertsEmpty')}</p>`}
  </section>`;
}
