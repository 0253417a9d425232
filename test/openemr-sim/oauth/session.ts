/** /logout (ends the trusted-user session) and /introspect (facts §3). */
import { leagueError } from '../errors.js';
import { parseForm } from '../http.js';
import { reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import type { SimState } from '../state.js';
import type { AccessRecord, Grant, RefreshRecord } from '../tokens.js';
import { presentedCredentials, verifyAssertion } from './client-auth.js';
import { visibleScopes } from './issue.js';
import { loggedOutPage } from './pages.js';

/** OpenEMR spells this error code with a space. */
const MISSPELLED = 'invalid _request';

export async function logout(ctx: RequestContext): Promise<Reply> {
  const { state } = ctx;
  const hint = ctx.query.get('id_token_hint');
  if (!hint) return leagueError(400, MISSPELLED, 'Id token missing from request');
  const claims = await state.key.verifySignature(hint);
  if (!claims) return leagueError(400, MISSPELLED, 'Id token not issued from this server');
  const session = state.tokens.idTokens.get(String(claims.jti));
  if (session) state.tokens.sessions.delete(session);
  state.persist();
  const target = ctx.query.get('post_logout_redirect_uri');
  const client = state.clients.get(String(claims.aud));
  if (target && client?.post_logout_redirect_uris.includes(target)) {
    const url = new URL(target);
    const st = ctx.query.get('state');
    if (st) url.searchParams.set('state', st);
    return reply.redirect(url.toString());
  }
  return reply.html(200, loggedOutPage());
}

function isLive(state: SimState, r: Grant & { exp: number; revoked: boolean }): boolean {
  return !r.revoked && r.exp > Date.now() && state.tokens.sessionAlive(r);
}

async function accessRecordOf(state: SimState, token: string, site: string): Promise<AccessRecord | undefined> {
  const claims = await state.key.verifySignature(token);
  if (!claims || claims.iss !== state.oauthBase(site)) return undefined;
  return state.tokens.access.get(String(claims.jti));
}

export async function introspect(ctx: RequestContext): Promise<Reply> {
  const { state, site } = ctx;
  const form = parseForm(ctx.body);
  const creds = presentedCredentials(ctx.req.headers.authorization, form);
  const client = creds.clientId ? state.clients.get(creds.clientId) : undefined;
  if (!client) return leagueError(401, 'invalid_request', 'Not a registered client');
  if (!client.isPublic) {
    // 7.0.3 authenticates introspection by secret only; 8.x also takes a client assertion.
    const proven =
      creds.assertion !== undefined
        ? state.flavor === 8 &&
          (await verifyAssertion(state, client, creds.assertion, [
            `${state.oauthBase(site)}/introspect`,
            `${state.oauthBase(site)}/token`,
          ]))
        : creds.secret === client.client_secret;
    if (!proven) return leagueError(401, 'invalid_request', 'Client failed security');
  } else if (creds.secret) {
    return leagueError(400, 'invalid_request', 'Invalid client app type');
  }
  const hint = form.token_type_hint;
  if (!form.token || (hint !== 'access_token' && hint !== 'refresh_token'))
    return leagueError(400, 'invalid_request', 'Missing token or unsupported hint.');
  const record: AccessRecord | RefreshRecord | undefined =
    hint === 'access_token' ? await accessRecordOf(state, form.token, site) : state.tokens.refresh.get(form.token);
  if (!record || record.clientId !== client.client_id || !isLive(state, record)) return reply.json(200, { active: false });
  return reply.json(200, {
    active: true,
    scope: visibleScopes(record.scopes),
    client_id: record.clientId,
    sub: record.sub,
    exp: Math.floor(record.exp / 1000),
    token_type: hint === 'access_token' ? 'Bearer' : 'refresh_token',
    iss: state.oauthBase(site),
    aud: record.clientId,
    ...(record.username ? { username: record.username } : {}),
    ...(record.patient ? { patient: record.patient } : {}),
  });
}
