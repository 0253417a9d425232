/** The words of a server row: its state, its tooltip (scopes summarised) and its context value. No `vscode` import. */
import { clientStateLabel } from '../doctor/clientStates';
import type { ServerState } from './source';

/** "signed in as admin", "no client", "client awaiting approval", "client ready, signed out", "error". */
export function serverDescription(state: ServerState): string {
  if (state.status === 'signed-in') return `signed in${state.account ? ` as ${state.account}` : ''}`;
  if (state.status === 'error') return 'error';
  return clientStateLabel(state.client ?? 'unknown');
}

/**
 * Granted scopes in one line: how many, then how many per context (user/, patient/, system/) and the
 * others by name, e.g. "86 scopes: openid, offline_access, api:oemr, api:fhir; 40 user/, 42 patient/".
 */
export function summarizeScopes(scopes: readonly string[]): string {
  if (scopes.length === 0) return '';
  const perContext = new Map<string, number>();
  const others: string[] = [];
  for (const scope of scopes) {
    const context = /^(user|patient|system)\//.exec(scope)?.[1];
    if (context) perContext.set(context, (perContext.get(context) ?? 0) + 1);
    else others.push(scope);
  }
  const contexts = [...perContext].map(([context, n]) => `${n} ${context}/`);
  const parts = [others.join(', '), contexts.join(', ')].filter(Boolean);
  return `${scopes.length} scope${scopes.length === 1 ? '' : 's'}: ${parts.join('; ')}`;
}

export function serverTooltip(name: string, state: ServerState): string {
  return [name, serverDescription(state), state.error, summarizeScopes(state.scopes)].filter(Boolean).join('\n');
}

/** `server.signedIn`, `server.error`, or `server.signedOut.<client state>` (menus match `^server\.`). */
export function serverContextValue(state: ServerState): string {
  if (state.status === 'signed-in') return 'server.signedIn';
  if (state.status === 'error') return 'server.error';
  return `server.signedOut.${state.client ?? 'unknown'}`;
}
