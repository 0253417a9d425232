/**
 * Discovery: what a server supports, from the OIDC configuration, the SMART configuration, the FHIR
 * CapabilityStatement and /api/version. Each part may fail on its own; its error is kept.
 */
import type { CapabilityStatement } from 'fhir/r4';
import { serverUrls, type ServerUrls } from '../config';
import { OpenEmrError } from '../errors';
import { isFailure, type HttpClient, type HttpResponse } from '../http/client';
import { classifyResponse, type EndpointKind } from '../api/classify';

export interface OidcConfiguration {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
  end_session_endpoint?: string;
  introspection_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  scopes_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  [key: string]: unknown;
}

export interface SmartConfiguration {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  introspection_endpoint?: string;
  grant_types_supported?: string[];
  capabilities?: string[];
  code_challenge_methods_supported?: string[];
  scopes_supported?: string[];
  [key: string]: unknown;
}

export interface CapabilitySummary {
  fhirVersion?: string;
  software?: string;
  softwareVersion?: string;
  /** Resource types with their interactions and search parameter names. */
  resources: { type: string; interactions: string[]; searchParams: string[] }[];
}

export interface ServerVersion {
  major?: number;
  minor?: number;
  patch?: number;
  tag?: string;
  /** e.g. "7.0.3" or "8.0.1-dev". */
  display?: string;
}

/** true = on, false = off, 'unknown' = could not tell (8.x has no per-API check without a token). */
export type Availability = boolean | 'unknown';

export interface ServerCapabilities {
  issuer?: string;
  /** Advertised endpoints, falling back to OpenEMR's fixed paths. */
  endpoints: Pick<ServerUrls, 'authorize' | 'token' | 'registration' | 'logout' | 'introspect' | 'jwks'>;
  grantTypes: string[];
  scopesSupported: string[];
  codeChallengeMethods: string[];
  tokenEndpointAuthMethods: string[];
  smartCapabilities: string[];
  apis: { oauth: Availability; standard: Availability; fhir: Availability; portal: Availability };
  passwordGrant: Availability;
  /** Whether the server offers SMART v2 scopes (M-2509 / 8.x), from scopes_supported. */
  v2Scopes: Availability;
  /** `system/` scopes offered (rest_system_scopes_api on). */
  systemScopes: Availability;
  version?: ServerVersion;
  /** 7 for the old dispatcher line, 8 for the Symfony kernel line (M-2509 on); guessed from version or scopes. */
  flavor?: 7 | 8;
  oidc?: OidcConfiguration;
  smart?: SmartConfiguration;
  capability?: CapabilitySummary;
  errors: Partial<Record<'oidc' | 'smart' | 'metadata' | 'version' | 'portal', OpenEmrError>>;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function summarizeCapabilityStatement(body: unknown): CapabilitySummary | undefined {
  const cs = record(body) as (CapabilityStatement & Record<string, unknown>) | undefined;
  if (!cs || cs.resourceType !== 'CapabilityStatement') return undefined;
  const resources = (cs.rest ?? []).flatMap((rest) =>
    (rest.resource ?? []).map((r) => ({
      type: String(r.type),
      interactions: (r.interaction ?? []).map((i) => String(i.code)),
      searchParams: (r.searchParam ?? []).map((p) => String(p.name)),
    })),
  );
  return { fhirVersion: cs.fhirVersion, software: cs.software?.name, softwareVersion: cs.software?.version, resources };
}

/** Reads /api/version's `data` (`{v_major, v_minor, v_patch, v_tag, …}`), enveloped or not. */
export function parseVersion(body: unknown): ServerVersion | undefined {
  const outer = record(body);
  const data = record(outer?.data) ?? (Array.isArray(outer?.data) ? record((outer.data as unknown[])[0]) : undefined) ?? outer;
  if (!data) return undefined;
  const num = (v: unknown): number | undefined =>
    v === undefined || v === null || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
  const major = num(data.v_major);
  if (major === undefined) return undefined;
  const minor = num(data.v_minor);
  const patch = num(data.v_patch);
  const tag = typeof data.v_tag === 'string' ? data.v_tag : undefined;
  return { major, minor, patch, tag, display: `${major}.${minor ?? 0}.${patch ?? 0}${tag ?? ''}` };
}

async function getJson(http: HttpClient, url: string, endpoint: EndpointKind, signal?: AbortSignal): Promise<HttpResponse> {
  const res = await http.send({ method: 'GET', url, signal });
  if (isFailure(res)) throw classifyResponse(res, { endpoint });
  if (!res.isJson) throw new OpenEmrError('non-json', `GET ${res.url} -> ${res.status} (not JSON)`, { status: res.status });
  return res;
}

async function settle<T>(work: Promise<T>): Promise<{ value?: T; error?: OpenEmrError }> {
  try {
    return { value: await work };
  } catch (err) {
    if (err instanceof OpenEmrError) return { error: err };
    throw err;
  }
}

/** Availability from a probe that may have failed: 501 / api-disabled means off; an auth rejection means on. */
function availabilityOf(ok: boolean, error?: OpenEmrError): Availability {
  if (ok) return true;
  if (!error) return 'unknown';
  if (error.kind === 'api-disabled') return false;
  if (['token-expired', 'not-signed-in', 'missing-scope', 'insufficient-permissions'].includes(error.kind)) return true;
  return 'unknown';
}

export async function discover(http: HttpClient, signal?: AbortSignal): Promise<ServerCapabilities> {
  const urls = serverUrls(http.server);
  const [oidc, smart, metadata, version, portal] = await Promise.all([
    settle(getJson(http, urls.oidcConfiguration, 'discovery', signal)),
    settle(getJson(http, urls.smartConfiguration, 'fhir', signal)),
    settle(getJson(http, urls.capabilityStatement, 'fhir', signal)),
    settle(getJson(http, `${urls.api}/version`, 'api', signal)),
    settle(getJson(http, `${urls.portal}/patient`, 'portal', signal)),
  ]);
  const oidcConfig = record(oidc.value?.json) as OidcConfiguration | undefined;
  const smartConfig = record(smart.value?.json) as SmartConfiguration | undefined;
  const parsedVersion = parseVersion(version.value?.json);
  const scopesSupported = strings(oidcConfig?.scopes_supported);
  const grantTypes = [
    ...new Set([...strings(oidcConfig?.grant_types_supported), ...strings(smartConfig?.grant_types_supported)]),
  ];
  const hasScopeList = scopesSupported.length > 0;
  const v2Scopes: Availability = hasScopeList
    ? scopesSupported.some((s) => /\.[cruds]+$/.test(s) && !/\.(read|write)$/.test(s))
    : 'unknown';
  const flavor =
    parsedVersion?.major !== undefined
      ? parsedVersion.major >= 8 || (parsedVersion.major === 7 && (parsedVersion.patch ?? 0) >= 4)
        ? 8
        : 7
      : v2Scopes === 'unknown'
        ? undefined
        : v2Scopes
          ? 8
          : 7;
  const errors: ServerCapabilities['errors'] = {};
  if (oidc.error) errors.oidc = oidc.error;
  if (smart.error) errors.smart = smart.error;
  if (metadata.error) errors.metadata = metadata.error;
  if (version.error) errors.version = version.error;
  const portalAvailability = availabilityOf(Boolean(portal.value), portal.error);
  // A portal probe rejected for want of a token only proves the API is on; that is not an error.
  if (portal.error && portalAvailability !== true) errors.portal = portal.error;
  const endpoint = (advertised: unknown, fallback: string): string =>
    typeof advertised === 'string' && advertised ? advertised : fallback;
  return {
    issuer: oidcConfig?.issuer,
    endpoints: {
      authorize: endpoint(oidcConfig?.authorization_endpoint, urls.authorize),
      token: endpoint(oidcConfig?.token_endpoint, urls.token),
      registration: endpoint(oidcConfig?.registration_endpoint, urls.registration),
      logout: endpoint(oidcConfig?.end_session_endpoint, urls.logout),
      introspect: endpoint(oidcConfig?.introspection_endpoint, urls.introspect),
      jwks: endpoint(oidcConfig?.jwks_uri, urls.jwks),
    },
    grantTypes,
    scopesSupported,
    codeChallengeMethods: strings(oidcConfig?.code_challenge_methods_supported),
    tokenEndpointAuthMethods: strings(oidcConfig?.token_endpoint_auth_methods_supported),
    smartCapabilities: strings(smartConfig?.capabilities),
    apis: {
      oauth: oidc.value ? true : oidc.error?.kind === 'api-disabled' ? false : 'unknown',
      standard: availabilityOf(Boolean(version.value), version.error),
      fhir: availabilityOf(Boolean(metadata.value), metadata.error),
      portal: portalAvailability,
    },
    passwordGrant: oidcConfig ? grantTypes.includes('password') : 'unknown',
    v2Scopes,
    systemScopes: hasScopeList ? scopesSupported.some((s) => s.startsWith('system/')) : 'unknown',
    version: parsedVersion,
    flavor,
    oidc: oidcConfig,
    smart: smartConfig,
    capability: summarizeCapabilityStatement(metadata.value?.json),
    errors,
  };
}
