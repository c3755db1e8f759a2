// "Add as lead": opens a lead for a firm from where staff found it (a chain
// gap's candidate, a settlement option), pre-filled with the gap products,
// the chain and the park, then goes to the new lead's page. A firm that
// already has an open lead gets a link to it instead. Staff and admins only.
import { html, nothing, type TemplateResult } from 'lit-html';
import { request } from '../api';
import { leadHref, linkClick, navigate, refresh, rerender } from '../app';
import { ApiError, userMessage } from '../errors';
import type { CreateLeadInput, CreateLeadMutation, CreateLeadMutationVariables } from '../gql/operations';
import mutationsDoc from '../graphql/LeadMutations.graphql?raw';
import { t } from '../i18n';
import { isStaff } from '../viewer';

const state = new Map<string, { busy?: boolean; existing?: string; error?: string }>();

async function add(key: string, input: CreateLeadInput): Promise<void> {
  state.set(key, { busy: true });
  rerender();
  try {
    const res = await request<CreateLeadMutation, CreateLeadMutationVariables>(mutationsDoc, { input }, 'CreateLead');
    state.delete(key);
    refresh([]);
    navigate(leadHref(res.data.createLead.id));
  } catch (err) {
    const existing = err instanceof ApiError && err.code === 'CONFLICT' ? err.details.extensions?.leadId : undefined;
    state.set(key, typeof existing === 'string' ? { existing } : { error: userMessage(err, true) });
    rerender();
  }
}

/** The "add as lead" button for staff (nothing for anyone else). */
export function addLeadButton(input: CreateLeadInput): TemplateResult | typeof nothing {
  if (!isStaff()) return nothing;
  const key = JSON.stringify(input);
  const s = state.get(key) ?? {};
  return html`<div class="addlead">
    <button class="btn small primary" data-testid="add-lead" ?disabled=${!!s.busy} @click=${() => add(key, input)}>${t('addAsLead')}</button>
    ${s.existing
      ? html`<span role="status" data-testid="lead-exists">${t('leadExists')} <a href=${leadHref(s.existing)} @click=${linkClick}>${t('openLead')}</a></span>`
      : nothing}
    ${s.error ? html`<span class="error" role="alert">${s.error}</span>` : nothing}
  </div>`;
}
