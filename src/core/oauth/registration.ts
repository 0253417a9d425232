/** Dynamic client registration (facts §2): register, read back, and predict whether the client starts enabled. */
import { serverUrls } from '../config';
import { OpenEmrError } from '../errors';
import { isFailure, type HttpClient, type HttpResponse } from '../http/client';
import { classifyResponse, type EndpointKind } from '../api/classify';
import { isScopeValidForPublicClient, joinScopes, parseScope, splitScopes } from '../catalog/scopes';
import type { JsonWebKeySet } from './keys';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface RegistrationRequest {
  clientName: string;
  /** `private` = confidential (gets a secret, may hold user/ and system/ scopes); `public` = PKCE only. */
  applicationType: 'private' | 'public';
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  scopes: string[];
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Inline JWKS (public keys) for private_key_jwt and client_credentials. */
  jwks?: JsonWebKeySet;
  jwksUri?: string;
  contacts?: string[];
  /** Needed for SMART EHR launch. */
  initiateLoginUri?: string;
}

export interface RegisteredClient {
  clientId: string;
  /** Secret; undefined for public clients (OpenEMR sends an empty string). */
  clientSecret?: string;
  /** Secret: lets the client read its registration back. */
  registrationAccessToken?: string;
  registrationClientUri?: string;
  /** `user` for private clients, `patient` for public ones. */
  clientRole?: string;
  applicationType: 'private' | 'public';
  clientName?: string;
  scopes: string[];
  redirectUris: string[];
  tokenEndpointAuthMethod?: string;
  issuedAt?: number;
  /** Everything else the server echoed, without secrets. */
  metadata: Record<string, unknown>;
}

const SECRET_FIELDS = new Set(['client_secret', 'registration_access_token']);

/** Problems OpenEMR would reject the request for, found before sending it. */
export function validateRegistration(req: RegistrationRequest): string[] {
  const problems: string[] = [];
  if (!req.redirectUris.length) problems.push('redirect_uris is required');
  if (req.applicationType === 'public') {
    const bad = req.scopes.filter((s) => !isScopeValidForPublicClient(s));
    if (bad.length) problems.push(`system and user scopes are only allowed for confidential clients: ${bad.join(' ')}`);
    if (req.tokenEndpointAuthMethod === 'private_key_jwt') problems.push('a public client cannot use private_key_jwt');
  }
  const wantsSystem = req.scopes.some((s) => parseScope(s).context === 'system');
  if ((wantsSystem || req.tokenEndpointAuthMethod === 'private_key_jwt') && !req.jwks && !req.jwksUri) {
    problems.push('system/ scopes and private_key_jwt need jwks or jwks_uri');
  }
  return problems;
}

export function registrationBody(req: RegistrationRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    application_type: req.applicationType,
    client_name: req.clientName,
    redirect_uris: req.redirectUris,
    scope: joinScopes(req.scopes),
  };
  // OpenEMR rejects "none"; a public client simply sends no method. 7.0.3 knows only the two secret methods.
  const method = req.tokenEndpointAuthMethod ?? (req.applicationType === 'public' ? undefined : 'client_secret_post');
  if (method && method !== 'none') body.token_endpoint_auth_method = method;
  if (req.postLogoutRedirectUris) body.post_logout_redirect_uris = req.postLogoutRedirectUris;
  if (req.jwks) body.jwks = req.jwks;
  if (req.jwksUri) body.jwks_uri = req.jwksUri;
  if (req.contacts) body.contacts = req.contacts;
  if (req.initiateLoginUri) body.initiate_login_uri = req.initiateLoginUri;
  return body;
}

export function parseRegistration(body: unknown, fallback?: Partial<RegisteredClient>): RegisteredClient {
  const o = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const text = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined);
  const clientId = text('client_id') ?? fallback?.clientId;
  if (!clientId) throw new OpenEmrError('unexpected', 'The registration answer has no client_id');
  const metadata = Object.fromEntries(Object.entries(o).filter(([k]) => !SECRET_FIELDS.has(k)));
  const redirectUris = Array.isArray(o.redirect_uris)
    ? o.redirect_uris.filter((u): u is string => typeof u === 'string')
    : (fallback?.redirectUris ?? []);
  return {
    clientId,
    clientSecret: text('client_secret') ?? fallback?.clientSecret,
    registrationAccessToken: text('registration_access_token') ?? fallback?.registrationAccessToken,
    registrationClientUri: text('registration_client_uri') ?? fallback?.registrationClientUri,
    clientRole: text('client_role'),
    applicationType:
      text('application_type') === 'private' || text('client_role') === 'user'
        ? 'private'
        : (fallback?.applicationType ?? 'public'),
    clientName: text('client_name'),
    scopes: text('scope') ? splitScopes(text('scope')) : (fallback?.scopes ?? []),
    redirectUris,
    tokenEndpointAuthMethod: text('token_endpoint_auth_method'),
    issuedAt: typeof o.client_id_issued_at === 'number' ? o.client_id_issued_at : undefined,
    metadata,
  };
}

async function expectJson(res: HttpResponse, endpoint: EndpointKind): Promise<unknown> {
  if (isFailure(res)) throw classifyResponse(res, { endpoint });
  if (!res.isJson)
    throw new OpenEmrError('non-json', `${res.method} ${res.url} -> ${res.status} (not JSON)`, { status: res.status });
  return res.json;
}

export async function registerClient(
  http: HttpClient,
  req: RegistrationRequest,
  signal?: AbortSignal,
): Promise<RegisteredClient> {
  const problems = validateRegistration(req);
  if (problems.length) throw new OpenEmrError('registration-rejected', `Registration not sent: ${problems.join('; ')}`);
  // The answer holds the client secret and the registration access token: plain http only to loopback.
  const res = await http.send({
    method: 'POST',
    url: serverUrls(http.server).registration,
    json: registrationBody(req),
    carriesSecret: true,
    signal,
  });
  const client = parseRegistration(await expectJson(res, 'registration'), {
    applicationType: req.applicationType,
    scopes: req.scopes,
    redirectUris: req.redirectUris,
  });
  http.logger.addSecret(client.clientSecret);
  http.logger.addSecret(client.registrationAccessToken);
  const usesSecret = req.applicationType !== 'public' && !req.jwks && !req.jwksUri;
  if (usesSecret && !client.clientSecret) {
    throw new OpenEmrError(
      'registration-rejected',
      `The server registered the confidential client ${client.clientId} without a client secret, so it cannot sign in`,
      {
        fix: 'Register the client again; if the server keeps answering without a secret, copy the secret from Administration > System > API Clients and run "OpenEMR: Use Existing Client".',
      },
    );
  }
  return client;
}

/** GET registration_client_uri with the registration access token as Bearer. */
export async function readRegistration(
  http: HttpClient,
  registrationClientUri: string,
  registrationAccessToken: string,
  signal?: AbortSignal,
): Promise<RegisteredClient> {
  const res = await http.send({
    method: 'GET',
    url: registrationClientUri,
    headers: { Authorization: `Bearer ${registrationAccessToken}` },
    signal,
  });
  if (res.status === 401 || res.status === 404) {
    throw new OpenEmrError('client-unknown', `${res.method} ${res.url} -> ${res.status}: the registration was not found`, {
      status: res.status,
    });
  }
  return parseRegistration(await expectJson(res, 'client-read'), { registrationClientUri });
}

export interface KnownGlobals {
  /** `oauth_app_manual_approval`: true = every client must be approved. */
  manualApproval?: boolean;
  /** Server version, e.g. "7.0.3" or { major, minor, patch }. Rules changed in 7.0.2. */
  version?: string | { major?: number; minor?: number; patch?: number };
}

function versionBefore702(version: KnownGlobals['version']): boolean | undefined {
  if (version === undefined) return undefined;
  const [major, minor, patch] =
    typeof version === 'string' ? version.split(/[.-]/).map((p) => Number(p)) : [version.major, version.minor, version.patch];
  if (major === undefined || Number.isNaN(major)) return undefined;
  if (major !== 7) return major < 7;
  return (minor ?? 0) === 0 && (patch ?? 0) < 2;
}

/**
 * Whether a new registration starts enabled (facts §2). 7.0.2+: disabled if public and asking for `launch`,
 * if manual approval is on, or if confidential with user/ or system/ scopes. 6.0-7.0.1: confidential always
 * disabled; public disabled only with `launch`. 'unknown' when the answer depends on an unknown global/version.
 */
export function predictEnabled(
  req: Pick<RegistrationRequest, 'applicationType' | 'scopes'>,
  globals: KnownGlobals = {},
): boolean | 'unknown' {
  const isPublic = req.applicationType !== 'private';
  const scopes = splitScopes(req.scopes);
  if (isPublic && scopes.includes('launch')) return false;
  if (globals.manualApproval === true) return false;
  const privileged = scopes.some((s) => {
    const ctx = parseScope(s).context;
    return ctx === 'user' || ctx === 'system';
  });
  const modern = !isPublic && privileged ? false : true;
  const legacy = isPublic;
  const old = versionBefore702(globals.version);
  const outcome = old === undefined ? (modern === legacy ? modern : 'unknown') : old ? legacy : modern;
  if (outcome === false) return false;
  return globals.manualApproval === false ? outcome : 'unknown';
}
