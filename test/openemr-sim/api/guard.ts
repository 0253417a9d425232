/** Bearer-token checks on /apis: the token, the api:* gate and role, and the route's scope (facts §4, §6). */
import type { RequestContext } from '../router.js';
import { fail } from '../reply.js';
import { allows, hasOperation, type Context, type Letter } from '../scopes.js';
import { oauthErrors } from '../errors.js';
import type { AccessRecord } from '../tokens.js';

export type ApiKind = 'api' | 'fhir' | 'portal';

const CONTEXT_OF_ROLE: Record<AccessRecord['role'], Context> = { users: 'user', patient: 'patient', system: 'system' };

export function contextOf(caller: AccessRecord): Context {
  return CONTEXT_OF_ROLE[caller.role];
}

/** Validates the bearer token and the gate of the API; answers with the flavor's error otherwise. */
export async function authenticate(ctx: RequestContext, api: ApiKind): Promise<AccessRecord> {
  const { state } = ctx;
  const header = ctx.req.headers.authorization;
  if (!header) fail(state.errors.badToken('Missing "Authorization" header'));
  const jwt = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '';
  const claims = await state.key.verify(jwt, state.oauthBase(ctx.site));
  const record = claims ? state.tokens.access.get(String(claims.jti)) : undefined;
  if (!record || record.exp <= Date.now() || record.site !== ctx.site)
    fail(state.errors.badToken('Access token could not be verified'));
  if (record.revoked) fail(state.errors.badToken('Access token has been revoked'));
  if (!state.tokens.sessionAlive(record)) fail(oauthErrors.loggedOut());
  const has = (s: string) => record.scopes.includes(s);
  const gateOk =
    api === 'api'
      ? record.role === 'users' && has('api:oemr')
      : api === 'portal'
        ? record.role === 'patient' && has('api:port')
        : record.role === 'system' || has('api:fhir');
  if (!gateOk) fail(state.errors.insufficientPermissions());
  return record;
}

/** The route's scope, then (as OpenEMR does after the scope check) the user's ACL. */
export function requireScope(ctx: RequestContext, caller: AccessRecord, resource: string, letter: Letter): void {
  if (!allows(caller.scopes, contextOf(caller), resource, letter)) fail(ctx.state.errors.missingScope());
  requireAcl(ctx, caller, resource);
}

function requireAcl(ctx: RequestContext, caller: AccessRecord, resource: string): void {
  const user = caller.role === 'users' ? ctx.state.users.find((u) => u.username === caller.username) : undefined;
  if (user?.aclDenied?.has(resource)) fail(ctx.state.errors.aclDenied());
}

/** An operation scope such as `user/insurance.$swap-insurance` (`system/*.$export` covers the system ones). */
export function requireOperation(ctx: RequestContext, caller: AccessRecord, resource: string, operation: string): void {
  const context = contextOf(caller);
  if (!hasOperation(caller.scopes, `${context}/${resource}.${operation}`, `${context}/*.${operation}`))
    fail(ctx.state.errors.missingScope());
  requireAcl(ctx, caller, resource);
}

/** Letter a request needs: GET instance r, GET collection s, POST c, PUT/PATCH u, DELETE d. */
export function letterFor(method: string, instance: boolean): Letter {
  switch (method) {
    case 'POST':
      return 'c';
    case 'PUT':
    case 'PATCH':
      return 'u';
    case 'DELETE':
      return 'd';
    default:
      return instance ? 'r' : 's';
  }
}
