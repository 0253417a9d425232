/** Where an OpenEMR server lives and how to talk to it. Holds no secret. */
export interface ServerConfig {
  /** e.g. `https://emr.example.org` or `https://host/openemr` (webroot path allowed). */
  baseUrl: string;
  /** Multisite name; defaults to `default`. */
  site?: string;
  /** Allow secrets over plain http to a non-loopback host. Off by default. */
  allowInsecureHttp?: boolean;
  tls?: {
    /** Extra trusted CA certificate(s), PEM. */
    ca?: string;
    /** Accept a self-signed / untrusted certificate for this server only. */
    allowSelfSigned?: boolean;
  };
  /** Port of the loopback redirect listener (must match a registered redirect URI). */
  redirectPort?: number;
  /** Per-request time-out; defaults to 30 s. */
  timeoutMs?: number;
  /** Response size cap; defaults to 20 MiB. */
  maxResponseBytes?: number;
}

export const DEFAULT_SITE = 'default';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024;
export const DEFAULT_REDIRECT_PORT = 8765;

/** Every URL the client needs, derived from a ServerConfig. */
export interface ServerUrls {
  /** Base URL without trailing slash, webroot included. */
  root: string;
  site: string;
  /** `{root}/oauth2/{site}` */
  oauth2: string;
  authorize: string;
  token: string;
  registration: string;
  logout: string;
  introspect: string;
  jwks: string;
  oidcConfiguration: string;
  /** `{root}/apis/{site}`: the base of `OpenEmrClient.request` paths. */
  apis: string;
  /** `{root}/apis/{site}/api` */
  api: string;
  /** `{root}/apis/{site}/fhir` */
  fhir: string;
  /** `{root}/apis/{site}/portal` */
  portal: string;
  smartConfiguration: string;
  capabilityStatement: string;
  /** The redirect URI served by the loopback listener. */
  redirectUri: string;
}

const SITE_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Validates and normalises the base URL (no trailing slash, no query or fragment). */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new TypeError(`Not a valid server URL: ${baseUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`Server URL must use https (or http): ${url.protocol}`);
  }
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

export function siteOf(server: ServerConfig): string {
  const site = server.site?.trim() || DEFAULT_SITE;
  if (!SITE_PATTERN.test(site)) throw new TypeError(`Not a valid OpenEMR site name: ${site}`);
  return site;
}

export function redirectUriFor(port: number = DEFAULT_REDIRECT_PORT): string {
  return `http://127.0.0.1:${port}/callback`;
}

export function serverUrls(server: ServerConfig): ServerUrls {
  const root = normalizeBaseUrl(server.baseUrl);
  const site = siteOf(server);
  const oauth2 = `${root}/oauth2/${site}`;
  const apis = `${root}/apis/${site}`;
  const fhir = `${apis}/fhir`;
  return {
    root,
    site,
    oauth2,
    authorize: `${oauth2}/authorize`,
    token: `${oauth2}/token`,
    registration: `${oauth2}/registration`,
    logout: `${oauth2}/logout`,
    introspect: `${oauth2}/introspect`,
    jwks: `${oauth2}/jwk`,
    oidcConfiguration: `${oauth2}/.well-known/openid-configuration`,
    apis,
    api: `${apis}/api`,
    fhir,
    portal: `${apis}/portal`,
    smartConfiguration: `${fhir}/.well-known/smart-configuration`,
    capabilityStatement: `${fhir}/metadata`,
    redirectUri: redirectUriFor(server.redirectPort ?? DEFAULT_REDIRECT_PORT),
  };
}

/** A stable key for one server + client, used to name secrets. */
export function sessionKey(server: ServerConfig, clientId: string): string {
  const urls = serverUrls(server);
  return `openemr:${urls.root}|${urls.site}|${clientId}`;
}
