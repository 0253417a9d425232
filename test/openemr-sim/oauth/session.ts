/** /logout (ends the trusted-user session) and /introspect (facts §3). */
import { leagueError } from '../errors.js';
import { parseForm } from '../http.js';
import { reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import type { SimState } from '../state.js';
import type { AccessRecord, Grant, RefreshRecord } from '../tokens.js';
import { presentedCredentials, verifyAssertion } from './client-auth.js';
import { visibleScopes } from './issue.js';

/** OpenEMR spells this error code with a space. */
const MISSPELLED = 'invalid _request';

export async function logout(ctx: RequestContext): Promise<Reply> {
  const { state } = ctx;
  const hint = ctx.query.get('id_token_hint');
  if (!hint) return leagueError(400, MISSPELLED, 'Id token missing from request');
  const claims = await state.key.verifySignature(hint);
  if (!claims) return leagueError(400, MISSPELLED, 'Id token not issued from this server');
  const target = ctx.query.get('post_logout_redirect_uri') ?? '';
  // OpenEMR appends "?state=…" to the registered URI as it is (AuthorizationController::userSessionLogout).
  const back = (status: number) => ({ status, headers: { Location: `${target}?state=${ctx.query.get('state') ?? ''}` } });
  const session = state.tokens.idTokens.get(String(claims.jti));
  if (!session || !state.tokens.sessions.has(session)) {
    // The trusted user is gone: 7.0.3 die()s with a text, 8.x redirects when asked to, else throws HttpException(401).
    if (state.flavor === 7) return text(200, 'You are currently not signed in.');
    return target
      ? back(307)
      : reply.json(401, { error: 'An error occurred', message: 'You are currently not signed in.', code: 0 });
  }
  state.tokens.sessions.delete(session);
  state.persist();
  const client = state.clients.get(String(claims.aud));
  if (target && client?.post_logout_redirect_uris.includes(target)) return back(state.flavor === 7 ? 302 : 307);
  return text(200, 'You have been signed out. Thank you.');
}

function text(status: number, message: string): Reply {
  return { status, body: message, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
}

/** What introspection says of a token: active, or inactive with a status (JsonWebKeyParser, TokenIntrospectionRestController). */
function describeToken(state: SimState, r: Grant & { exp: number; revoked: boolean }, site: string, tokenType: string) {
  const status = r.revoked || !state.tokens.sessionAlive(r) ? 'revoked' : r.exp <= Date.now() ? 'expired' : 'active';
  return {
    active: status === 'active',
    status,
    scope: visibleScopes(r.scopes),
    client_id: r.clientId,
    sub: r.sub,
    exp: Math.floor(r.exp / 1000),
    token_type: tokenType,
    iss: state.oauthBase(site),
    aud: r.clientId,
    ...(r.username ? { username: r.username } : {}),
    ...(r.patient ? { patient: r.patient } : {}),
  };
}

async function accessRecordOf(state: SimState, token: string, site: string): Promise<AccessRecord | undefined> {
  const claims = await state.key.verifySignature(token);
  if (!claims || claims.iss !== state.oauthBase(site)) return undefined;
  return state.tokens.access.get(String(claims.jti));
}

/** A token the parser cannot read: 7.0.3 answers 400 with the exception's text; the caller maps 8.x. */
class Unreadable extends Error {}
const clientError = (status: number, description: string) => leagueError(status, 'invalid_request', description);

async function introspectAs(ctx: RequestContext, form: Record<string, string>): Promise<Reply> {
  const { state, site } = ctx;
  const creds = presentedCredentials(ctx.req.headers.authorization, form);
  const client = creds.clientId ? state.clients.get(creds.clientId) : undefined;
  if (!client) return clientError(401, 'Not a registered client');
  if (creds.assertion !== undefined) {
    // 8.x also takes a client assertion; 7.0.3 knows only the secret.
    const audiences = [`${state.oauthBase(site)}/introspect`, `${state.oauthBase(site)}/token`];
    if (state.flavor === 7 || !(await verifyAssertion(state, client, creds.assertion, audiences)))
      return clientError(401, 'Client failed security');
  } else {
    // The app type is checked before the secret: a confidential client without one is a bad request.
    if (!client.isPublic && !creds.secret) return clientError(400, 'Invalid client app type');
    if (!client.enabled) return clientError(401, 'Client failed security');
    if (!client.isPublic && creds.secret !== client.client_secret) return clientError(401, 'Client failed security');
  }
  // The hint is optional: OpenEMR works it out from the token (a JWT is an access token).
  const hint = form.token_type_hint || (form.token?.split('.').length === 3 ? 'access_token' : 'refresh_token');
  if (!form.token || (hint !== 'access_token' && hint !== 'refresh_token'))
    return clientError(400, 'Missing token or unsupported hint.');
  const record: AccessRecord | RefreshRecord | undefined =
    hint === 'access_token' ? await accessRecordOf(state, form.token, site) : state.tokens.refresh.get(form.token);
  if (!record)
    throw new Unreadable(hint === 'access_token' ? 'Access token could not be verified' : 'Cannot decrypt the refresh token');
  // A token of another client gives no information away.
  if (record.clientId !== client.client_id) return reply.json(200, { active: false });
  return reply.json(200, describeToken(state, record, site, hint === 'access_token' ? 'Bearer' : 'refresh_token'));
}

export async function introspect(ctx: RequestContext): Promise<Reply> {
  const form = parseForm(ctx.body);
  let answer: Reply;
  try {
    answer = await introspectAs(ctx, form);
  } catch (e) {
    if (!(e instanceof Unreadable)) throw e;
    answer = text(400, e.message);
  }
  // 8.x catches every exception of the introspection and answers with the empty result.
  if (ctx.state.flavor === 8 && answer.status !== 200) return reply.json(200, { active: false });
  return answer;
}
