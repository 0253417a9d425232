/** ScopeRepository::finalizeScopes: unknown scopes fail, scopes the client did not register are dropped. */
import { oauthErrors } from '../errors.js';
import { fail } from '../reply.js';
import { firstUnknownScope, splitScopes } from '../scopes.js';
import type { ClientRecord, SimState } from '../state.js';
import { withSiteScope } from './issue.js';

export function finalizeScopes(state: SimState, client: ClientRecord, requested: string | undefined, site: string): string[] {
  const scopes = requested === undefined ? client.scopes : splitScopes(requested);
  const unknown = firstUnknownScope(scopes, state.scopeSettings());
  if (unknown !== undefined) fail(oauthErrors.invalidScope(unknown));
  const granted = [...new Set(scopes.filter((s) => client.scopes.includes(s) || s.startsWith('site:')))];
  return withSiteScope(state, granted, site);
}
