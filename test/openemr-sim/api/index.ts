/** /apis/{site}/{api|fhir|portal}/...: route, authenticate, check the scope, answer (facts §4-§7). */
import { matchRoute } from '../router.js';
import type { RequestContext } from '../router.js';
import type { Reply } from '../reply.js';
import { FHIR_ROUTES } from '../fhir/routes.js';
import type { Access, ApiRoute } from './api-route.js';
import type { AccessRecord } from '../tokens.js';
import { authenticate, letterFor, requireOperation, requireScope, type ApiKind } from './guard.js';
import { PORTAL_ROUTES } from './portal.js';
import { routesFor } from './standard.js';

const ANONYMOUS: AccessRecord = { jti: '', exp: 0, revoked: true, clientId: '', site: '', scopes: [], role: 'users', sub: '' };

const GLOBAL_OF: Record<ApiKind, 'rest_api' | 'rest_fhir_api' | 'rest_portal_api'> = {
  api: 'rest_api',
  fhir: 'rest_fhir_api',
  portal: 'rest_portal_api',
};

function tableFor(kind: ApiKind, flavor: 7 | 8): ApiRoute[] {
  if (kind === 'fhir') return FHIR_ROUTES;
  if (kind === 'portal') return PORTAL_ROUTES;
  return routesFor(flavor);
}

/** The route a request reaches and what it needs, without running it (the conformance suite reads this). */
export function describeRoute(
  flavor: 7 | 8,
  method: string,
  rest: string,
): { found: false } | { found: true; route: ApiRoute; params: Record<string, string>; access: Access } {
  const kind = rest.split('/')[1] as ApiKind;
  if (kind !== 'api' && kind !== 'fhir' && kind !== 'portal') return { found: false };
  const match = matchRoute(tableFor(kind, flavor), method, rest);
  if (match === undefined || match === 'wrong-method') return { found: false };
  const { route, params } = match;
  if (route.exists && !route.exists(params, flavor)) return { found: false };
  return { found: true, route, params, access: accessOf(route, params, method, flavor) };
}

function accessOf(route: ApiRoute, params: Record<string, string>, method: string, flavor: 7 | 8): Access {
  if (route.open === 'always' || (route.open === '8.x' && flavor === 8)) return { kind: 'open' };
  if (route.open === '8.x' || (route.scopeSince8 && flavor === 7)) return { kind: 'token' };
  const resource = typeof route.resource === 'function' ? route.resource(params) : route.resource;
  if (route.operation) return { kind: 'operation', resource, operation: route.operation };
  return { kind: 'scope', resource, letter: letterFor(method, route.instance) };
}

/** `rest` is the path after /apis/{site}, e.g. "/api/patient". */
export async function handleApis(ctx: RequestContext, rest: string): Promise<Reply> {
  const { state } = ctx;
  const kind = rest.split('/')[1] as ApiKind;
  if (kind !== 'api' && kind !== 'fhir' && kind !== 'portal') return state.errors.unknownRoute();
  // 7.0.3 checks the per-API global in the dispatcher; 8.x has no such check under /apis.
  if (state.flavor === 7 && state.globals[GLOBAL_OF[kind]] !== 1) return { status: 501 };
  const found = describeRoute(state.flavor, ctx.method, rest);
  if (found.found && found.access.kind === 'open') return found.route.handler({ ...ctx, caller: ANONYMOUS }, found.params);
  // The token is checked before routing (AuthorizationListener): an unknown path without a token answers 401.
  const caller = await authenticate(ctx, kind);
  if (!found.found) {
    const match = matchRoute(tableFor(kind, state.flavor), ctx.method, rest);
    return match === 'wrong-method' ? state.errors.unsupportedMethod() : state.errors.unknownRoute();
  }
  const { route, params, access } = found;
  if (access.kind === 'scope') requireScope(ctx, caller, access.resource, access.letter);
  if (access.kind === 'operation' && !route.ownScopeCheck) requireOperation(ctx, caller, access.resource, access.operation);
  return route.handler({ ...ctx, caller }, params);
}
