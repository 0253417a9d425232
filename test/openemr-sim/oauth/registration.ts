/** Dynamic client registration and the registration read endpoint (facts §2). */
import { oauthErrors } from '../errors.js';
import { mediaType } from '../http.js';
import { fail, reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import { firstUnknownScope, needsManualApproval, splitScopes } from '../scopes.js';
import type { ClientRecord } from '../state.js';
import { randomToken } from '../tokens.js';

const DEFAULT_SCOPE = 'openid email phone address api:oemr api:fhir api:port';
const ECHOED = [
  'application_type',
  'client_name',
  'contacts',
  'redirect_uris',
  'post_logout_redirect_uris',
  'token_endpoint_auth_method',
  'jwks',
  'jwks_uri',
  'initiate_login_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'sector_identifier_uri',
  'subject_type',
  'default_max_age',
  'require_auth_time',
  'default_acr_values',
  'request_uris',
  'response_types',
  'grant_types',
];
/** ONC Decision Support Intervention metadata, new in 8.x; 7.0.3 ignores it. */
const ECHOED_8X = ['dsi_type', 'dsi_source_attributes'];

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
}

function parseMetadata(ctx: RequestContext): Record<string, unknown> {
  if (mediaType(ctx.req) !== 'application/json') fail(oauthErrors.metadata('Unexpected content type'));
  if (ctx.body.length === 0) fail(oauthErrors.metadata('No JSON body'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    fail(oauthErrors.metadata('Invalid JSON'));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(oauthErrors.metadata('Invalid JSON'));
  return parsed as Record<string, unknown>;
}

function hasJwks(m: Record<string, unknown>): boolean {
  const jwks = m.jwks as { keys?: unknown } | undefined;
  return (
    (typeof jwks === 'object' && jwks !== null && Array.isArray(jwks.keys) && jwks.keys.length > 0) ||
    (typeof m.jwks_uri === 'string' && m.jwks_uri !== '')
  );
}

export function register(ctx: RequestContext): Reply {
  const { state, site } = ctx;
  const m = parseMetadata(ctx);
  if (!isStringArray(m.redirect_uris) || m.redirect_uris.length === 0)
    fail(oauthErrors.metadata('redirect_uris is invalid', 'invalid_redirect_uri'));
  if (m.post_logout_redirect_uris !== undefined && !isStringArray(m.post_logout_redirect_uris))
    fail(oauthErrors.metadata('post_logout_redirect_uris is invalid', 'invalid_redirect_uri'));
  const authMethods =
    state.flavor === 7
      ? ['client_secret_basic', 'client_secret_post']
      : ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  const authMethod = m.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !authMethods.includes(authMethod))
    fail(oauthErrors.metadata(`Unsupported token_endpoint_auth_method value : ${String(authMethod)}`));
  if (m.jwks !== undefined && !hasJwks({ jwks: m.jwks })) fail(oauthErrors.metadata('jwks is invalid'));
  const isPublic = m.application_type !== 'private';
  const scopes = splitScopes(typeof m.scope === 'string' ? m.scope : DEFAULT_SCOPE);
  const unknown = firstUnknownScope(scopes, state.scopeSettings());
  if (unknown !== undefined) fail(oauthErrors.invalidScope(unknown));
  if (isPublic && scopes.some((s) => s.startsWith('user/') || s.startsWith('system/')))
    fail(oauthErrors.metadata('system and user scopes are only allowed for confidential clients'));
  if (!isPublic && scopes.some((s) => s.startsWith('system/')) && !hasJwks(m)) fail(oauthErrors.metadata('jwks is invalid'));

  const client: ClientRecord = {
    client_id: randomToken(32),
    client_secret: isPublic ? '' : randomToken(64),
    registration_access_token: randomToken(32),
    registration_client_uri: `${state.oauthBase(site)}/client/${randomToken(16)}`,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    site,
    isPublic,
    enabled: !needsManualApproval(scopes, isPublic, state.globals.oauth_app_manual_approval === 1),
    scopes,
    redirect_uris: m.redirect_uris,
    post_logout_redirect_uris: (m.post_logout_redirect_uris as string[] | undefined) ?? [],
    token_endpoint_auth_method: authMethod,
    jwks: hasJwks({ jwks: m.jwks }) ? (m.jwks as ClientRecord['jwks']) : undefined,
    jwks_uri: typeof m.jwks_uri === 'string' ? m.jwks_uri : undefined,
    metadata: Object.fromEntries(
      [...ECHOED, ...(state.flavor === 8 ? ECHOED_8X : [])].filter((k) => m[k] !== undefined).map((k) => [k, m[k]]),
    ),
  };
  state.clients.set(client.client_id, client);
  state.persist();
  return reply.json(200, {
    ...publicView(client),
    client_secret: client.client_secret,
    registration_access_token: client.registration_access_token,
  });
}

function publicView(c: ClientRecord): Record<string, unknown> {
  return {
    client_id: c.client_id,
    registration_client_uri: c.registration_client_uri,
    client_id_issued_at: c.client_id_issued_at,
    client_secret_expires_at: 0,
    ...c.metadata,
    token_endpoint_auth_method: c.token_endpoint_auth_method,
    application_type: c.isPublic ? (c.metadata.application_type ?? 'public') : 'private',
    scope: c.scopes.join(' '),
    client_role: c.isPublic ? 'patient' : 'user',
  };
}

/** GET /oauth2/{site}/client/{id} with the registration access token as Bearer. */
export function readClient(ctx: RequestContext): Reply {
  const bearer = (ctx.req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  const uri = `${ctx.state.url}${ctx.url.pathname}`;
  const client = [...ctx.state.clients.values()].find((c) => c.registration_client_uri === uri);
  if (!client || !bearer || client.registration_access_token !== bearer) return oauthErrors.invalidClient();
  return reply.json(200, publicView(client));
}
