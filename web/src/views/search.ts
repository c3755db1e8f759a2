// Type-ahead search over firms, products and chains (Query.search).
import { html, nothing, type TemplateResult } from 'lit-html';
import { chainHref, firmHref, navigate, rerender } from '../app';
import { request } from '../api';
import { getApiKey } from '../auth';
import { userMessage } from '../errors';
import searchDoc from '../graphql/Search.graphql?raw';
import { altNameOf, nameOf, t } from '../i18n';
import type { SearchQuery, SearchQueryVariables } from '../gql/operations';

/** One type-ahead hit. */
export type SearchHit = SearchQuery['search'][number];

interface SearchState {
  text: string;
  open: boolean;
  status: 'idle' | 'loading' | 'ok' | 'error';
  hits: SearchHit[];
  error?: unknown;
  active: number;
}

const state: SearchState = { text: '', open: false, status: 'idle', hits: [], active: -1 };
let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: AbortController | undefined;

/** Where a hit leads; products open their chain with the product selected. */
export function hitHref(hit: SearchHit): string | undefined {
  const n = hit.node;
  switch (n.__typename) {
    case 'Enterprise':
      return firmHref(n.id);
    case 'IndustrialChain':
      return chainHref(n.id);
    case 'Product':
      return n.segment ? chainHref(n.segment.chain.id, { product: n.id }) : undefined;
    default:
      return undefined;
  }
}

function runSearch(text: string) {
  inflight?.abort();
  if (!text.trim()) {
    state.status = 'idle';
    state.hits = [];
    rerender();
    return;
  }
  const ctl = new AbortController();
  inflight = ctl;
  state.status = 'loading';
  rerender();
  request<SearchQuery, SearchQueryVariables>(searchDoc, { text: text.trim(), first: 20 }, 'Search', ctl.signal).then(
    (res) => {
      if (ctl.signal.aborted) return;
      state.status = 'ok';
      state.hits = res.data.search;
      state.active = state.hits.length ? 0 : -1;
      rerender();
    },
    (err) => {
      if (ctl.signal.aborted) return;
      state.status = 'error';
      state.error = err;
      rerender();
    },
  );
}

function onInput(e: Event) {
  state.text = (e.target as HTMLInputElement).value;
  state.open = true;
  clearTimeout(timer);
  timer = setTimeout(() => runSearch(state.text), 180);
  rerender();
}

function go(hit: SearchHit | undefined) {
  const to = hit && hitHref(hit);
  if (!to) return;
  state.open = false;
  rerender();
  navigate(to);
}

function onKey(e: KeyboardEvent) {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const n = state.hits.length;
    if (!n) return;
    state.open = true;
    state.active = (state.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    rerender();
    scrollActive();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    clearTimeout(timer);
    if (state.status === 'ok' && state.active >= 0) go(state.hits[state.active]);
    else runSearch(state.text);
  } else if (e.key === 'Escape') {
    e.preventDefault(); // not the browser's own clearing of a search box
    // First Escape closes the list, a second one clears the box.
    if (state.open && state.text) state.open = false;
    else {
      state.text = '';
      state.hits = [];
      state.status = 'idle';
      state.active = -1;
    }
    rerender();
  }
}

/** Keeps the option chosen with the arrow keys in view inside the scrolling list. */
function scrollActive() {
  queueMicrotask(() => document.getElementById(`hit-${state.active}`)?.scrollIntoView({ block: 'nearest' }));
}

function kindLabel(typename: string): string {
  if (typename === 'Enterprise') return t('kindEnterprise');
  if (typename === 'Product') return t('kindProduct');
  if (typename === 'IndustrialChain') return t('kindChain');
  return typename;
}

function hitRow(hit: SearchHit, i: number): TemplateResult {
  const n = hit.node;
  const named = 'name' in n ? { name: n.name, nameEn: n.nameEn } : { name: n.id, nameEn: undefined };
  let detail = '';
  if (n.__typename === 'Enterprise') detail = n.district ? nameOf(n.district) : (n.homeCity ?? '');
  if (n.__typename === 'Product' && n.segment) detail = `${nameOf(n.segment.chain)} · ${nameOf(n.segment)}`;
  return html`<li
    role="option"
    id="hit-${i}"
    class="hit ${i === state.active ? 'active' : ''}"
    aria-selected=${i === state.active}
    data-testid="search-hit"
    data-kind=${n.__typename}
    @mousedown=${(e: Event) => {
      e.preventDefault();
      go(hit);
    }}
    @mouseenter=${() => {
      state.active = i;
      rerender();
    }}
  >
    <span class="kind kind-${n.__typename.toLowerCase()}">${kindLabel(n.__typename)}</span>
    <span class="label">
      <span class="name">${nameOf(named)}</span>
      ${altNameOf(named) ? html`<span class="alt">${altNameOf(named)}</span>` : nothing}
    </span>
    ${detail ? html`<span class="detail">${detail}</span>` : nothing}
  </li>`;
}

export function searchBox(): TemplateResult {
  const showList = state.open && state.text.trim() !== '';
  let list: TemplateResult | typeof nothing = nothing;
  if (showList) {
    if (state.status === 'loading' && !state.hits.length) list = html`<div class="dropdown-msg">${t('loading')}</div>`;
    else if (state.status === 'error') list = html`<div class="dropdown-msg error" data-testid="search-error">${userMessage(state.error, !!getApiKey())}</div>`;
    else if (state.status === 'ok' && !state.hits.length) list = html`<div class="dropdown-msg" data-testid="search-empty">${t('searchNoHits', { q: state.text.trim() })}</div>`;
    else if (state.hits.length)
      list = html`<ul class="hits" role="listbox" id="search-hits" aria-label=${t('searchResults')} data-testid="search-hits">${state.hits.map(hitRow)}</ul>`;
  }
  const expanded = showList && state.status !== 'error' && state.hits.length > 0;
  return html`<div class="search">
    <input
      type="search"
      role="combobox"
      data-testid="search-input"
      aria-label=${t('searchLabel')}
      aria-autocomplete="list"
      aria-expanded=${expanded ? 'true' : 'false'}
      aria-controls="search-hits"
      aria-describedby="search-keys"
      aria-activedescendant=${expanded && state.active >= 0 ? `hit-${state.active}` : nothing}
      autocomplete="off"
      placeholder=${t('searchPlaceholder')}
      .value=${state.text}
      @input=${onInput}
      @keydown=${onKey}
      @focus=${() => {
        state.open = true;
        rerender();
      }}
      @blur=${() => {
        state.open = false;
        rerender();
      }}
    />
    <span id="search-keys" class="sr-only">${t('searchKeysHelp')}</span>
    <span class="sr-only" role="status" aria-live="polite">${showList && state.status === 'ok' ? t('searchCount', { n: state.hits.length }) : ''}</span>
    ${list !== nothing ? html`<div class="dropdown" tabindex="0">${list}</div>` : nothing}
  </div>`;
}
