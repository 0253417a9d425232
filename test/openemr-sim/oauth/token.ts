/** POST /oauth2/{site}/token: authorization_code, refresh_token, password and client_credentials (facts §3). */
import { createHash } from 'node:crypto';
import { leagueError, oauthErrors } from '../errors.js';
import { parseForm } from '../http.js';
import { fail, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import { splitScopes } from '../scopes.js';
import { authenticateClient, presentedCredentials } from './client-auth.js';
import { finalizeScopes } from './grant-scopes.js';
import { issueTokens } from './issue.js';
import { totpMatches } from '../users.js';

/** client_credentials tokens live 300 s (GRANT_TYPE_ACCESS_CODE_TTL), or less when --token-ttl is lower. */
const CLIENT_CREDENTIALS_TTL = 300;

type Form = Record<string, string>;

export async function token(ctx: RequestContext): Promise<Reply> {
  const { state } = ctx;
  const form = parseForm(ctx.body);
  const grantType = form.grant_type ?? '';
  state.counters.tokenRequests++;
  state.counters.byGrant[grantType] = (state.counters.byGrant[grantType] ?? 0) + 1;
  const clientId = form.client_id || 'none';
  state.counters.byClient[clientId] = (state.counters.byClient[clientId] ?? 0) + 1;
  switch (grantType) {
    case 'authorization_code':
      return authorizationCode(ctx, form);
    case 'refresh_token':
      return refreshToken(ctx, form);
    case 'password':
      if (state.globals.oauth_password_grant === 0) return oauthErrors.unsupportedGrant();
      return password(ctx, form);
    case 'client_credentials':
      if (state.globals.rest_system_scopes_api !== 1) return oauthErrors.unsupportedGrant();
      return clientCredentials(ctx, form);
    default:
      return oauthErrors.unsupportedGrant();
  }
}

function tokenUrl(ctx: RequestContext): string {
  return `${ctx.state.oauthBase(ctx.site)}/token`;
}

/** Basic, client_secret or (8.x) an assertion: confidential clients must prove who they are (authorization_code). */
function provenClient(ctx: RequestContext, form: Form) {
  return authenticateClient(ctx.state, presentedCredentials(ctx.req.headers.authorization, form), tokenUrl(ctx), true);
}

function pkceMatches(verifier: string, challenge: string, method: string | undefined): boolean {
  if (method === 'S256') return createHash('sha256').update(verifier).digest('base64url') === challenge;
  return verifier === challenge;
}

async function authorizationCode(ctx: RequestContext, form: Form): Promise<Reply> {
  const { state } = ctx;
  const client = await provenClient(ctx, form);
  const code = state.tokens.codes.get(requireField(form, 'code'));
  if (!code) fail(oauthErrors.invalidGrant('Authorization code has been revoked'));
  if (code.exp < Date.now()) {
    state.tokens.codes.delete(form.code);
    fail(oauthErrors.invalidGrant('Authorization code has expired'));
  }
  if (code.clientId !== client.client_id) fail(oauthErrors.invalidGrant('Authorization code was not issued to this client'));
  if (form.redirect_uri !== code.redirectUri) fail(oauthErrors.invalidGrant('Invalid redirect URI'));
  if (code.codeChallenge !== undefined) {
    if (!form.code_verifier) fail(oauthErrors.invalidRequest('code_verifier'));
    if (!pkceMatches(form.code_verifier, code.codeChallenge, code.codeChallengeMethod))
      fail(oauthErrors.invalidGrant('Failed to verify `code_verifier`.'));
  }
  state.tokens.codes.delete(form.code);
  const { code: _c, redirectUri: _r, codeChallenge: _cc, codeChallengeMethod: _m, nonce, exp: _e, ...grant } = code;
  return issueTokens(state, grant, { ttlSeconds: state.options.tokenTtl, nonce, allowRefresh: true });
}

async function refreshToken(ctx: RequestContext, form: Form): Promise<Reply> {
  const { state } = ctx;
  // ClientRepository::validateClient returns true for every grant but authorization_code (7.0.3:209-211), and
  // CustomRefreshTokenGrant adds only the is-enabled check: no secret is needed to refresh.
  const client = await authenticateClient(state, presentedCredentials(ctx.req.headers.authorization, form), tokenUrl(ctx), false);
  const old = state.tokens.refresh.get(requireField(form, 'refresh_token'));
  if (!old) fail(oauthErrors.invalidRefreshToken('Cannot decrypt the refresh token'));
  if (old.clientId !== client.client_id) fail(oauthErrors.invalidRefreshToken('Token is not linked to client'));
  if (old.exp < Date.now()) fail(oauthErrors.invalidRefreshToken('Token has expired'));
  if (old.revoked) fail(oauthErrors.invalidRefreshToken('Token has been revoked'));
  if (!state.tokens.sessionAlive(old)) fail(oauthErrors.loggedOut());
  // The exact-scope rule: every requested scope must be one of the original grant's identifiers.
  const requested = form.scope === undefined ? old.scopes : splitScopes(form.scope);
  const outside = requested.find((s) => !old.scopes.includes(s));
  if (outside !== undefined) fail(oauthErrors.invalidScope(outside));
  old.revoked = true; // rotation
  const { token: _t, exp: _e, revoked: _r, ...grant } = old;
  return issueTokens(state, { ...grant, scopes: requested }, { ttlSeconds: state.options.tokenTtl, allowRefresh: true });
}

function requireField(form: Form, name: string): string {
  const value = form[name];
  if (!value) fail(oauthErrors.invalidRequest(name));
  return value;
}

async function password(ctx: RequestContext, form: Form): Promise<Reply> {
  const { state, site } = ctx;
  requireField(form, 'client_id');
  const client = await authenticateClient(state, { clientId: form.client_id }, tokenUrl(ctx), false);
  const role = requireField(form, 'user_role');
  const username = requireField(form, 'username');
  const secret = requireField(form, 'password');
  const setting = state.globals.oauth_password_grant;
  const failedAuth: () => never = () => fail(oauthErrors.invalidGrant('Failed Authentication'));
  if (role === 'patient') {
    const email = requireField(form, 'email');
    if (setting !== 2 && setting !== 3) failedAuth();
    if (form.mfa_token) fail(leagueError(403, 'mfa_not_supported', 'MFA not supported.'));
    const login = state.patientLogins.find((p) => p.username === username && p.password === secret && p.email === email);
    if (!login) failedAuth();
    const scopes = finalizeScopes(state, client, form.scope, site);
    return issueTokens(
      state,
      {
        clientId: client.client_id,
        site,
        scopes,
        role: 'patient',
        sub: login.uuid,
        username,
        patient: login.uuid,
        sessionId: state.tokens.newSession(),
      },
      { ttlSeconds: state.options.tokenTtl, allowRefresh: true },
    );
  }
  if (role !== 'users' || (setting !== 1 && setting !== 3)) failedAuth();
  const user = state.users.find((u) => u.username === username && u.password === secret);
  if (!user) failedAuth();
  if (user.mfaSecret && !(form.mfa_token && totpMatches(user.mfaSecret, form.mfa_token)))
    fail(leagueError(401, 'mfa_token_invalid', 'MFA token is invalid.'));
  const scopes = finalizeScopes(state, client, form.scope, site);
  return issueTokens(
    state,
    { clientId: client.client_id, site, scopes, role: 'users', sub: user.uuid, username, sessionId: state.tokens.newSession() },
    { ttlSeconds: state.options.tokenTtl, allowRefresh: true },
  );
}

async function clientCredentials(ctx: RequestContext, form: Form): Promise<Reply> {
  const { state, site } = ctx;
  const creds = presentedCredentials(undefined, form);
  if (creds.assertion === undefined) fail(oauthErrors.invalidClient());
  const client = await authenticateClient(state, creds, tokenUrl(ctx), true, true);
  if (client.isPublic) fail(oauthErrors.invalidClient());
  const scopes = finalizeScopes(state, client, form.scope, site).filter(
    (s) => !s.startsWith('user/') && !s.startsWith('patient/'),
  );
  const ttl = Math.min(CLIENT_CREDENTIALS_TTL, state.options.tokenTtl);
  return issueTokens(
    state,
    { clientId: client.client_id, site, scopes, role: 'system', sub: client.client_id },
    { ttlSeconds: ttl, allowRefresh: false },
  );
}
