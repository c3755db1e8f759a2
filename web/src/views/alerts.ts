// Saved searches and alerts in the matches view: "save this search" and
// the signed-in caller's newest alerts. New alerts arrive live through the
// matchAlerts subscription (WebSocket, graphql-transport-ws; see ../live.ts),
// so they show without reloading; while the connection is down (or the
// browser has no WebSocket) the list is read again every ALERT_POLL_MS, and
// once more whenever the connection comes (back) up.
import { html, nothing, type TemplateResult } from 'lit-html';
import { request } from '../api';
import { firmHref, linkClick, rerender } from '../app';
import { getApiKey } from '../auth';
import { userMessage } from '../errors';
import alertsDoc from '../graphql/Alerts.graphql?raw';
import matchAlertsDoc from '../graphql/MatchAlerts.graphql?raw';
import type { AlertsQuery, AlertsQueryVariables, MatchAlertsSubscription, SaveSearchMutation, SaveSearchMutationVariables, SavedSearchInput } from '../gql/operations';
import { subscribe } from '../live';
import { nameOf, t } from '../i18n';
import { scoreBar } from '../ui';

/** How often the alerts are read again while the panel is shown and the live connection is down. */
export const ALERT_POLL_MS = 3000;

/** How many alerts the panel shows. */
const SHOWN = 10;

type AlertEdge = AlertsQuery['alerts']['edges'][number];

const state: {
  alerts: AlertEdge[];
  error: string;
  saving: boolean;
  saved: string;
  saveError: string;
  timer?: ReturnType<typeof setInterval>;
  key?: string | null;
  /** Whether the matchAlerts subscription is connected. */
  live: boolean;
  unsubscribe?: () => void;
} = {
  alerts: [],
  error: '',
  saving: false,
  saved: '',
  saveError: '',
  live: false,
};

/** Puts a new alert from the subscription first (once). */
function arrived(a: MatchAlertsSubscription['matchAlerts']): void {
  if (state.alerts.some((e) => e.node.id === a.id)) return;
  state.alerts = [{ node: a }, ...state.alerts].slice(0, SHOWN);
  rerender();
}

async function refresh(): Promise<void> {
  try {
    const r = await request<AlertsQuery, AlertsQueryVariables>(alertsDoc, { first: 10 }, 'Alerts');
    const before = state.alerts.map((e) => e.node.id).join();
    const fresh = r.data.alerts.edges;
    // Keep what the subscription brought after this read was answered.
    const newest = fresh.length ? Date.parse(fresh[0].node.createdAt) : 0;
    const pending = state.alerts.filter((e) => Date.parse(e.node.createdAt) > newest && !fresh.some((f) => f.node.id === e.node.id));
    state.alerts = [...pending, ...fresh].slice(0, SHOWN);
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

function stop(): void {
  if (state.timer) clearInterval(state.timer);
  state.timer = undefined;
  state.unsubscribe?.();
  state.unsubscribe = undefined;
  state.live = false;
}

/**
 * Starts (or keeps) following the alerts while signed in: the list once,
 * then the subscription, with polling every ALERT_POLL_MS while it is not
 * connected. Everything stops when the panel is gone or the key changed.
 */
function follow(): void {
  const key = getApiKey();
  if (!key || (state.timer && state.key === key)) return;
  stop();
  state.key = key;
  state.alerts = [];
  void refresh();
  state.unsubscribe = subscribe<MatchAlertsSubscription>(matchAlertsDoc, 'MatchAlerts', key, {
    next: (d) => arrived(d.matchAlerts),
    connected: () => {
      state.live = true;
      void refresh(); // what arrived while the connection was down
    },
    disconnected: () => {
      state.live = false;
    },
  });
  state.timer = setInterval(() => {
    if (getApiKey() !== state.key || !document.querySelector('[data-testid=alerts]')) {
      stop();
      return;
    }
    if (!state.live) void refresh();
  }, ALERT_POLL_MS);
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
  follow();
  return html`<section class="alerts card" data-testid="alerts" aria-live="polite" data-live=${state.live ? 'yes' : 'no'}>
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
