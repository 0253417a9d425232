/** /oauth2/{site}/...: OpenEMR's router matches by substring of the path after the site, in this order (facts §1). */
import type { Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import { authorize, confirm, login, patientSelect, patientSelectConfirm } from './authorize.js';
import { jwk, openidConfiguration } from './discovery.js';
import { readClient, register } from './registration.js';
import { introspect, logout } from './session.js';
import { token } from './token.js';

type Endpoint = [fragment: string, methods: string[], handler: (ctx: RequestContext) => Reply | Promise<Reply>];

const ENDPOINTS: Endpoint[] = [
  ['/token', ['POST'], token],
  ['/.well-known/openid-configuration', ['GET'], openidConfiguration],
  ['/authorize', ['GET', 'POST'], authorize],
  ['/jwk', ['GET'], jwk],
  ['/device/code', ['POST'], confirm],
  // /provider/login (8.x's 307 target) and POST /login share OpenEMR's userLogin
  ['/login', ['GET', 'POST'], login],
  ['/smart/patient-select-confirm', ['POST'], patientSelectConfirm],
  ['/smart/patient-select', ['GET', 'POST'], patientSelect],
  ['/scope-authorize-confirm', ['GET', 'POST'], confirm],
  ['/registration', ['POST'], register],
  ['/client', ['GET'], readClient],
  ['/logout', ['GET'], logout],
  ['/introspect', ['POST'], introspect],
];

/** `rest` is the path after /oauth2/{site}. */
export function handleOAuth(ctx: RequestContext, rest: string): Reply | Promise<Reply> {
  const { state } = ctx;
  const g = state.globals;
  if (!g.rest_api && !g.rest_fhir_api && !g.rest_portal_api) return state.errors.oauthApisOff();
  for (const [fragment, methods, handler] of ENDPOINTS) {
    if (!rest.includes(fragment)) continue;
    return methods.includes(ctx.method) ? handler(ctx) : { status: 404 };
  }
  return { status: 404 };
}
