// Entry point: the page shell (header, language, sign-in) and the router.
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { request } from './api';
import { currentRoute, href, invalidate, linkClick, rerender, setRenderer } from './app';
import { getApiKey, setApiKey } from './auth';
import { userMessage } from './errors';
import type { ViewerQuery, ViewerQueryVariables } from './gql/operations';
import viewerDoc from './graphql/Viewer.graphql?raw';
import { getLang, initialLang, setLang, t } from './i18n';
import './styles.css';
import { chainView } from './views/chain';
import { dashboardView } from './views/dashboard';
import { firmView } from './views/firm';
import { homeView } from './views/home';
import { leadView } from './views/lead';
import { leadsView } from './views/leads';
import { isStaff, viewerResource } from './viewer';
import { searchBox } from './views/search';
import { emptyBox } from './ui';

const LANG_KEY = 'chainmatch.lang';
let signInOpen = false;
let signInError = '';
let signInBusy = false;

function applyLang() {
  document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('appTitle')} · chainmatch`;
}

function toggleLang() {
  const next = getLang() === 'zh' ? 'en' : 'zh';
  setLang(next);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* not persisted */
  }
  applyLang();
  invalidate(true); // reasons come back in the new language
}

/** Keeps the key only when the server accepts it (Query.viewer). */
async function submitSignIn(e: Event) {
  e.preventDefault();
  const input = (e.target as HTMLFormElement).elements.namedItem('apikey') as HTMLInputElement;
  const previous = getApiKey();
  setApiKey(input.value);
  signInBusy = true;
  signInError = '';
  rerender();
  try {
    await request<ViewerQuery, ViewerQueryVariables>(viewerDoc, {}, 'Viewer');
    input.value = '';
    signInOpen = false;
    invalidate(true);
  } catch (err) {
    setApiKey(previous);
    signInError = userMessage(err, true);
  } finally {
    signInBusy = false;
    rerender();
    if (signInOpen) queueMicrotask(() => document.querySelector<HTMLInputElement>('[data-testid=signin-key]')?.focus());
  }
}

function viewerBadge(): TemplateResult {
  const r = viewerResource();
  const role = r.status === 'ok' ? r.data!.viewer.role : '';
  const who = r.status === 'ok' ? (r.data!.viewer.name ?? '') : '';
  return html`<span class="who ${r.status === 'error' ? 'bad' : ''}" data-testid="signed-in" data-role=${role} title=${who}>
    ${r.status === 'error' ? userMessage(r.error, true) : `${t('signedIn')}${role ? ` · ${role}` : ''}`}</span>`;
}

function signOut() {
  setApiKey(null);
  invalidate(true);
}

/** Closes the sign-in dialog and gives the focus back to the button that opened it. */
function closeSignIn() {
  signInOpen = false;
  signInError = '';
  rerender();
  queueMicrotask(() => document.querySelector<HTMLElement>('[data-testid=signin]')?.focus());
}

// Escape closes the dialog wherever the focus is (a disabled button drops it to <body>).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && signInOpen) closeSignIn();
});

function signInDialog(): TemplateResult | typeof nothing {
  if (!signInOpen) return nothing;
  const close = closeSignIn;
  return html`<div class="modal-backdrop" @click=${(e: Event) => e.target === e.currentTarget && close()}>
    <form class="modal" role="dialog" aria-modal="true" aria-labelledby="signin-title" data-testid="signin-dialog" @submit=${submitSignIn}>
      <h2 id="signin-title">${t('signInTitle')}</h2>
      <p class="muted">${t('signInHelp')}</p>
      <label>${t('apiKey')}
        <input name="apikey" type="password" autocomplete="off" required data-testid="signin-key" />
      </label>
      ${signInError ? html`<p class="state error" role="alert" data-testid="signin-error">${signInError}</p>` : nothing}
      <div class="actions">
        <button type="button" class="btn" @click=${close}>${t('cancel')}</button>
        <button type="submit" class="btn primary" data-testid="signin-submit" ?disabled=${signInBusy}>${t('save')}</button>
      </div>
    </form>
  </div>`;
}

function shell(body: TemplateResult): TemplateResult {
  const signedIn = !!getApiKey();
  return html`<a class="skip" href="#main" @click=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>${t('skipToMain')}</a>
    <header class="topbar">
      <a class="brand" href=${href('')} @click=${linkClick}><svg class="logo" aria-hidden="true" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1c7ed6"/><circle cx="10" cy="16" r="4" fill="#fff"/><circle cx="22" cy="16" r="4" fill="#fff"/><rect x="12" y="14.5" width="8" height="3" fill="#fff"/></svg>
        <span><strong>${t('appTitle')}</strong><small>${t('appSubtitle')}</small></span></a>
      ${searchBox()}
      <nav class="topnav">
        <a href=${href('dashboard')} @click=${linkClick} data-testid="nav-dashboard">${t('navDashboard')}</a>
        ${isStaff() ? html`<a href=${href('leads')} @click=${linkClick} data-testid="nav-leads">${t('navLeads')}</a>` : nothing}
        <button class="btn ghost" data-testid="lang-toggle" title=${t('languageSwitchTitle')} @click=${toggleLang}>${t('language')}</button>
        ${signedIn
          ? html`${viewerBadge()}
              <button class="btn ghost" data-testid="signout" @click=${signOut}>${t('signOut')}</button>`
          : html`<button class="btn primary" data-testid="signin" @click=${() => {
              signInOpen = true;
              rerender();
              queueMicrotask(() => document.querySelector<HTMLInputElement>('[data-testid=signin-key]')?.focus());
            }}>${t('signIn')}</button>`}
      </nav>
    </header>
    <main id="main" tabindex="-1">${body}</main>
    <footer class="foot muted">${t('footer')}</footer>
    ${signInDialog()}`;
}

function view(): TemplateResult {
  const route = currentRoute();
  switch (route.name) {
    case 'home':
      return homeView();
    case 'firm':
      return firmView(route);
    case 'chain':
      return chainView(route);
    case 'dashboard':
      return dashboardView();
    case 'leads':
      return leadsView(route);
    case 'lead':
      return leadView(route);
    default:
      return emptyBox(t('notFound'));
  }
}

const root = document.getElementById('app')!;
let saved: string | null = null;
try {
  saved = localStorage.getItem(LANG_KEY);
} catch {
  /* no storage */
}
setLang(initialLang(saved, navigator.language));
applyLang();
setRenderer(() => render(shell(view()), root));
window.addEventListener('popstate', rerender);
rerender();
