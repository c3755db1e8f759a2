// Entry point: the page shell (header, language, sign-in) and the router.
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { currentRoute, href, invalidate, linkClick, rerender, setRenderer } from './app';
import { getApiKey, setApiKey } from './auth';
import { getLang, initialLang, setLang, t } from './i18n';
import './styles.css';
import { chainView } from './views/chain';
import { dashboardView } from './views/dashboard';
import { firmView } from './views/firm';
import { homeView } from './views/home';
import { searchBox } from './views/search';
import { emptyBox } from './ui';

const LANG_KEY = 'chainmatch.lang';
let signInOpen = false;

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

function submitSignIn(e: Event) {
  e.preventDefault();
  const input = (e.target as HTMLFormElement).elements.namedItem('apikey') as HTMLInputElement;
  setApiKey(input.value);
  input.value = '';
  signInOpen = false;
  invalidate(true);
}

function signOut() {
  setApiKey(null);
  invalidate(true);
}

function signInDialog(): TemplateResult | typeof nothing {
  if (!signInOpen) return nothing;
  return html`<div class="modal-backdrop" @click=${(e: Event) => {
    if (e.target === e.currentTarget) {
      signInOpen = false;
      rerender();
    }
  }}>
    <form class="modal" role="dialog" aria-modal="true" aria-labelledby="signin-title" data-testid="signin-dialog" @submit=${submitSignIn}>
      <h2 id="signin-title">${t('signInTitle')}</h2>
      <p class="muted">${t('signInHelp')}</p>
      <label>${t('apiKey')}
        <input name="apikey" type="password" autocomplete="off" required data-testid="signin-key" />
      </label>
      <div class="actions">
        <button type="button" class="btn" @click=${() => {
          signInOpen = false;
          rerender();
        }}>${t('cancel')}</button>
        <button type="submit" class="btn primary" data-testid="signin-submit">${t('save')}</button>
      </div>
    </form>
  </div>`;
}

function shell(body: TemplateResult): TemplateResult {
  const signedIn = !!getApiKey();
  return html`<header class="topbar">
      <a class="brand" href=${href('')} @click=${linkClick}><span class="logo" aria-hidden="true">⛓</span>
        <span><strong>${t('appTitle')}</strong><small>${t('appSubtitle')}</small></span></a>
      ${searchBox()}
      <nav class="topnav">
        <a href=${href('dashboard')} @click=${linkClick} data-testid="nav-dashboard">${t('navDashboard')}</a>
        <button class="btn ghost" data-testid="lang-toggle" title=${t('languageSwitchTitle')} @click=${toggleLang}>${t('language')}</button>
        ${signedIn
          ? html`<span class="who" data-testid="signed-in">${t('signedIn')}</span>
              <button class="btn ghost" data-testid="signout" @click=${signOut}>${t('signOut')}</button>`
          : html`<button class="btn primary" data-testid="signin" @click=${() => {
              signInOpen = true;
              rerender();
              queueMicrotask(() => document.querySelector<HTMLInputElement>('[data-testid=signin-key]')?.focus());
            }}>${t('signIn')}</button>`}
      </nav>
    </header>
    <main id="main">${body}</main>
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
