// Who is signed in: the role from Query.viewer, for showing staff-only parts
// (the lead pipeline) to staff and admins only. The server decides access;
// this only keeps partners and anonymous visitors from seeing links and
// buttons that would answer FORBIDDEN or UNAUTHENTICATED.
import { resource } from './app';
import { getApiKey } from './auth';
import type { ViewerQuery, ViewerQueryVariables } from './gql/operations';
import viewerDoc from './graphql/Viewer.graphql?raw';

/** The viewer resource (cached per key and language, like every resource). */
export const viewerResource = () => resource<ViewerQuery, ViewerQueryVariables>(viewerDoc, {}, 'Viewer');

/** Whether the key in use is a staff or admin key (false while it is being checked). */
export function isStaff(): boolean {
  if (!getApiKey()) return false;
  const r = viewerResource();
  return r.status === 'ok' && (r.data!.viewer.role === 'STAFF' || r.data!.viewer.role === 'ADMIN');
}

/** 'yes' for staff and admins, 'no' for anyone else, 'checking' while the key is being checked. */
export function staffState(): 'yes' | 'no' | 'checking' {
  if (!getApiKey()) return 'no';
  const r = viewerResource();
  if (r.status === 'loading') return 'checking';
  return isStaff() ? 'yes' : 'no';
}
