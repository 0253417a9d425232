/** /.well-known/openid-configuration and /jwk (facts §1). */
import { reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import { scopesSupported } from '../scopes.js';

export function openidConfiguration({ state, site }: RequestContext): Reply {
  const base = state.oauthBase(site);
  const password = state.globals.oauth_password_grant > 0 ? ['password'] : [];
  return reply.json(200, {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwk`,
    userinfo_endpoint: `${base}/userinfo`,
    registration_endpoint: `${base}/registration`,
    end_session_endpoint: `${base}/logout`,
    introspection_endpoint: `${base}/introspect`,
    scopes_supported: scopesSupported(state.scopeSettings()),
    response_types_supported: [
      'code',
      'token',
      'id_token',
      'code token',
      'code id_token',
      'token id_token',
      'code token id_token',
    ],
    grant_types_supported: ['authorization_code', ...password, 'refresh_token'],
    code_challenge_methods_supported: ['S256', 'plain'],
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384'],
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    claims_supported: [
      'aud',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'locale',
      'name',
      'sub',
      'fhirUser',
      // ClaimRepository.php:21 (8.x)
      ...(state.flavor === 8 ? ['profile'] : []),
    ],
    require_request_uri_registration: false,
  });
}

export function jwk({ state }: RequestContext): Reply {
  return reply.json(200, state.key.jwks());
}

/** GET /apis/{site}/fhir/.well-known/smart-configuration (no token needed). */
export function smartConfiguration({ state, site }: RequestContext): Reply {
  const base = state.oauthBase(site);
  return reply.json(200, {
    issuer: state.fhirBase(site),
    jwks_uri: `${base}/jwk`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    introspection_endpoint: `${base}/introspect`,
    registration_endpoint: `${base}/registration`,
    management_endpoint: `${state.url}/interface/smart/admin-client.php`,
    grant_types_supported: ['client_credentials', 'authorization_code'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384'],
    scopes_supported: scopesSupported(state.scopeSettings()),
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'context-ehr-patient',
      'context-standalone-patient',
      'context-ehr-encounter',
      'sso-openid-connect',
      'permission-user',
      'permission-patient',
      'permission-offline',
      'permission-v1',
      ...(state.flavor === 8 ? ['permission-v2', 'authorize-post'] : []),
    ],
  });
}
