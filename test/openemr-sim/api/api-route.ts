/** The shape of a guarded /apis route, shared by the standard API, the portal and FHIR. */
import { route, type Params, type RequestContext, type Route } from '../router.js';
import type { AccessRecord } from '../tokens.js';

import type { Letter } from '../scopes.js';

/** What a route needs: no token, a token with no scope check, a resource letter, or an operation scope. */
export type Access =
  | { kind: 'open' }
  | { kind: 'token' }
  | { kind: 'scope'; resource: string; letter: Letter }
  | { kind: 'operation'; resource: string; operation: string };

export interface ApiContext extends RequestContext {
  caller: AccessRecord;
}

export interface ApiRoute extends Route<ApiContext> {
  /** scope resource name ("medical_problem", "Patient"), or derived from the path */
  resource: string | ((params: Params) => string);
  instance: boolean;
  /** answered without a token: on both lines, or on 8.x only (7.0.3 wants a token but checks no scope) */
  open?: 'always' | '8.x';
  /** 7.0.3 checks no scope on this route (a token is enough); 8.x checks the usual letter */
  scopeSince8?: boolean;
  /** the route needs an operation scope such as `user/insurance.$swap-insurance`, not a letter */
  operation?: string;
  /** only in 8.x */
  v8?: boolean;
  /** the handler checks the operation scope itself (bulk export, which also needs a system token) */
  ownScopeCheck?: boolean;
  /** for patterns such as /fhir/:type: false answers as an unknown route, before any token check */
  exists?: (params: Params, flavor: 7 | 8) => boolean;
}

export function apiRoute(
  method: string,
  pattern: string,
  resource: ApiRoute['resource'],
  handler: ApiRoute['handler'],
  extra: Partial<ApiRoute> = {},
): ApiRoute {
  const last = pattern.split('/').pop() ?? '';
  return { ...route(method, pattern, handler), resource, instance: last.startsWith(':'), ...extra };
}
