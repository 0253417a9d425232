/**
 * The setup doctor: the eight checks of a working OpenEMR API set-up, in the order a new installation
 * fails them. Each failing check names the fix in OpenEMR's own menu words. No `vscode` import, so it is
 * tested in Node against the simulator.
 */
import {
  discover,
  isLoopbackHost,
  OpenEmrError,
  serverUrls,
  type HttpClient,
  type OAuthClient,
  type OpenEmrClient,
  type ServerCapabilities,
  type TokenSummary,
} from '../core';
import { probeClientEnabled } from './clientStatus';

export type DoctorCheckId =
  | 'reachable'
  | 'https'
  | 'site-address'
  | 'apis'
  | 'password-grant'
  | 'client'
  | 'token'
  | 'first-request'
  /** Added by the command when this window's last browser sign-in failed. */
  | 'last-sign-in';

export interface DoctorCheck {
  id: DoctorCheckId;
  /** Short title of the check, for the report. */
  title: string;
  ok: boolean;
  message: string;
  /** What to do, in OpenEMR's menu words; set when the check failed. */
  fix?: string;
  /** The check could not run because an earlier one failed. */
  skipped?: boolean;
  /** The API's raw answer behind the check (the first request's), for the JSON viewer. */
  answer?: DoctorAnswer;
}

/** An answer as received: what the viewer's header shows, and the body's exact bytes. */
export interface DoctorAnswer {
  method: string;
  url: string;
  status: number;
  timeMs: number;
  sizeBytes: number;
  body: Uint8Array;
}

export interface DoctorInput {
  http: HttpClient;
  /** The APIs the profile uses (default: standard and FHIR). */
  apis?: ReadonlyArray<'api' | 'fhir' | 'portal'>;
  /** The OAuth client of the profile's registered client; undefined when none is registered. */
  oauth?: OAuthClient;
  /** The current sign-in, without tokens. */
  summary?: TokenSummary;
  /** A valid access token (refreshed when needed); only used for introspection, never shown. */
  accessToken?: (signal?: AbortSignal) => Promise<string>;
  /** The API client bound to the sign-in. */
  api?: OpenEmrClient;
  signal?: AbortSignal;
}

const CONNECTORS = 'Administration > Config > Connectors';
const API_CLIENTS = 'Administration > System > API Clients';
const API_SETTING: Record<'api' | 'fhir' | 'portal', { label: string; setting: string; key: 'standard' | 'fhir' | 'portal' }> = {
  api: { label: 'standard REST API', setting: '"Enable OpenEMR Standard REST API"', key: 'standard' },
  fhir: { label: 'FHIR API', setting: '"Enable OpenEMR Standard FHIR REST API"', key: 'fhir' },
  portal: { label: 'patient portal API', setting: '"Enable OpenEMR Patient Portal REST API (EXPERIMENTAL)"', key: 'portal' },
};

const TITLES: Record<DoctorCheckId, string> = {
  reachable: 'Server reachable, site exists',
  https: 'HTTPS (or this machine)',
  'site-address': 'Site Address matches the URL',
  apis: 'APIs switched on',
  'password-grant': 'Password grant',
  client: 'Client registered and enabled',
  token: 'Token valid, scopes granted',
  'first-request': 'First request (patients)',
  'last-sign-in': 'Last sign-in',
};

/** The failed browser sign-in a window remembers: the doctor repeats it, since the set-up may look fine. */
export function lastSignInCheck(failure: { message: string; fix: string }): DoctorCheck {
  return check('last-sign-in', false, failure.message, failure.fix);
}

function check(id: DoctorCheckId, ok: boolean, message: string, fix?: string): DoctorCheck {
  return { id, title: TITLES[id], ok, message, ...(ok || !fix ? {} : { fix }) };
}

function skipped(id: DoctorCheckId, why: string): DoctorCheck {
  return { id, title: TITLES[id], ok: false, skipped: true, message: `Not checked: ${why}.` };
}

function errorOf(err: unknown): OpenEmrError {
  return err instanceof OpenEmrError
    ? err
    : new OpenEmrError('unexpected', err instanceof Error ? err.message : String(err), { cause: err });
}

function reachability(caps: ServerCapabilities, site: string): DoctorCheck {
  const errors = Object.values(caps.errors);
  const siteError = errors.find((e) => e.kind === 'unknown-site');
  if (siteError)
    return check('reachable', false, `The server answered, but has no site "${site}": ${siteError.message}`, siteError.fix);
  const anyAnswer =
    caps.oidc ||
    caps.smart ||
    caps.capability ||
    caps.version ||
    caps.apis.portal === true ||
    errors.some((e) => e.status !== undefined);
  if (!anyAnswer) {
    const e = errors[0];
    return check(
      'reachable',
      false,
      `No answer from the server${e ? `: ${e.message}` : ''}.`,
      e?.fix ?? 'Check the server URL and that OpenEMR is running.',
    );
  }
  const version = caps.version
    ? ` OpenEMR ${[caps.version.major, caps.version.minor, caps.version.patch].filter((n) => n !== undefined).join('.')}.`
    : '';
  return check('reachable', true, `The server answered for site "${site}".${version}`);
}

function transport(http: HttpClient): DoctorCheck {
  const url = new URL(serverUrls(http.server).root);
  if (url.protocol === 'https:') return check('https', true, 'The server is reached over HTTPS.');
  if (isLoopbackHost(url.hostname)) return check('https', true, 'Plain http to this machine (loopback): fine for development.');
  return check(
    'https',
    false,
    `Plain http to ${url.host}: OpenEMR's OAuth2 needs HTTPS, and passwords and tokens would travel unencrypted.`,
    'Serve OpenEMR over HTTPS (a reverse proxy or the Apache SSL site) and change the server URL to https://.',
  );
}

function siteAddress(http: HttpClient, caps: ServerCapabilities): DoctorCheck {
  const expected = serverUrls(http.server).oauth2;
  if (!caps.issuer)
    return check(
      'site-address',
      false,
      'The OpenID configuration gave no issuer, so the Site Address cannot be compared.',
      `In ${CONNECTORS}, set "Site Address (required for OAuth2 and FHIR)" to ${serverUrls(http.server).root}.`,
    );
  if (caps.issuer.replace(/\/+$/, '') === expected)
    return check('site-address', true, `The issuer is ${caps.issuer}, as expected.`);
  return check(
    'site-address',
    false,
    `The issuer is ${caps.issuer}, but this URL expects ${expected}: tokens would carry the wrong iss/aud and FHIR links would point elsewhere.`,
    `In ${CONNECTORS}, set "Site Address (required for OAuth2 and FHIR)" to ${serverUrls(http.server).root} (the URL clients use).`,
  );
}

function apisOn(caps: ServerCapabilities, wanted: ReadonlyArray<'api' | 'fhir' | 'portal'>): DoctorCheck {
  if (caps.apis.oauth === false) {
    return check(
      'apis',
      false,
      'Every API is switched off (the OAuth2 server answers "API is disabled").',
      `In ${CONNECTORS}, check ${wanted.map((a) => API_SETTING[a].setting).join(' and ')}, then Save.`,
    );
  }
  const off = wanted.filter((a) => caps.apis[API_SETTING[a].key] === false);
  const unknown = wanted.filter((a) => caps.apis[API_SETTING[a].key] === 'unknown');
  const on = wanted.filter((a) => caps.apis[API_SETTING[a].key] === true);
  const parts = [
    on.length ? `on: ${on.map((a) => API_SETTING[a].label).join(', ')}` : '',
    off.length ? `off: ${off.map((a) => API_SETTING[a].label).join(', ')}` : '',
    unknown.length ? `not known from outside: ${unknown.map((a) => API_SETTING[a].label).join(', ')}` : '',
  ].filter(Boolean);
  if (!off.length) return check('apis', true, `APIs ${parts.join('; ')}.`);
  return check(
    'apis',
    false,
    `APIs ${parts.join('; ')}.`,
    `In ${CONNECTORS}, check ${off.map((a) => API_SETTING[a].setting).join(' and ')}, then Save.`,
  );
}

function passwordGrant(caps: ServerCapabilities, summary: TokenSummary | undefined): DoctorCheck {
  const fix = `Only needed for the password grant (the authorization code grant works without it). To use it: in ${CONNECTORS}, set "Enable OAuth2 Password Grant (Not considered secure)" to "On for Users Role" (or Patient Role, or Both).`;
  if (caps.passwordGrant === true) {
    const role =
      summary?.grant === 'password'
        ? ' This sign-in used it, so its role is allowed.'
        : ' Which roles (users, patient or both) the server does not say; a role it does not allow answers "Failed Authentication".';
    return check('password-grant', true, `The password grant is on.${role}`);
  }
  if (caps.passwordGrant === false)
    return check('password-grant', false, 'The password grant is off (the server does not list it).', fix);
  return check('password-grant', false, 'Whether the password grant is on is not known (no OpenID configuration).', fix);
}

async function clientCheck(input: DoctorInput): Promise<DoctorCheck> {
  if (!input.oauth)
    return check(
      'client',
      false,
      'No OAuth client is registered for this server.',
      'Run "OpenEMR: Register Client" (or "OpenEMR: Use Existing Client").',
    );
  const id = input.oauth.client.clientId;
  const status = await probeClientEnabled(input.oauth, serverUrls(input.http.server).redirectUri, input.signal);
  if (status.enabled === true) return check('client', true, `Client ${id} is registered and enabled.`);
  if (status.enabled === false) {
    const unknown = status.error.kind === 'client-unknown';
    return check(
      'client',
      false,
      unknown ? `The server does not know client ${id}.` : `Client ${id} is disabled (or its secret is wrong).`,
      unknown
        ? 'Register the client again ("OpenEMR: Register Client").'
        : `An administrator opens ${API_CLIENTS}, finds client ${id}, and clicks Enable.`,
    );
  }
  return check('client', false, `Could not tell whether client ${id} is enabled: ${status.error.message}`, status.error.fix);
}

async function tokenCheck(input: DoctorInput): Promise<DoctorCheck> {
  const { summary, accessToken, oauth } = input;
  if (!summary || !accessToken) return check('token', false, 'Not signed in.', 'Run "OpenEMR: Sign In".');
  try {
    const token = await accessToken(input.signal);
    if (oauth) {
      const info = await oauth.introspect(token, 'access_token', input.signal);
      if (!info.active)
        return check(
          'token',
          false,
          'The server says the access token is no longer active (expired, revoked or logged out).',
          'Sign in again ("OpenEMR: Sign In").',
        );
    }
  } catch (err) {
    const e = errorOf(err);
    return check('token', false, `The token could not be used or renewed: ${e.message}`, e.fix);
  }
  const minutes = Math.max(0, Math.round((summary.expiresAt - Date.now()) / 60_000));
  if (summary.droppedScopes.length) {
    return check(
      'token',
      false,
      `The token is valid (${minutes} min left), but the server dropped ${summary.droppedScopes.length} asked scope(s): ${summary.droppedScopes.join(' ')}.`,
      'Register a client that includes these scopes (or have an administrator add them in Administration > System > API Clients), then sign in again.',
    );
  }
  return check(
    'token',
    true,
    `The token is valid (${minutes} min left) and holds every scope asked for (${summary.grantedScopes.length} granted).`,
  );
}

async function firstRequest(input: DoctorInput): Promise<DoctorCheck> {
  if (!input.api || !input.summary)
    return check('first-request', false, 'Not signed in, so no request was sent.', 'Run "OpenEMR: Sign In".');
  const scopes = input.summary.grantedScopes;
  const standard = scopes.includes('api:oemr') && input.summary.grant !== 'client_credentials';
  const [path, query] = standard ? (['/api/patient', { _limit: 1 }] as const) : (['/fhir/Patient', { _count: 1 }] as const);
  try {
    const res = await input.api.request('GET', path, undefined, { query, signal: input.signal });
    const answer: DoctorAnswer = {
      method: res.method,
      url: res.url,
      status: res.status,
      timeMs: res.ms,
      sizeBytes: res.size,
      body: res.bytes,
    };
    if (res.error)
      return {
        ...check('first-request', false, `GET ${path} answered ${res.status}: ${res.error.message}`, res.error.fix),
        answer,
      };
    return { ...check('first-request', true, `GET ${path} answered ${res.status} in ${res.ms} ms.`), answer };
  } catch (err) {
    const e = errorOf(err);
    return check('first-request', false, `GET ${path} failed: ${e.message}`, e.fix);
  }
}

/** Runs every check in order; when the server cannot be reached, the checks that need it are skipped. */
export async function runDoctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const wanted = input.apis?.length ? input.apis : (['api', 'fhir'] as const);
  const caps = await discover(input.http, input.signal);
  const reachable = reachability(caps, serverUrls(input.http.server).site);
  const checks = [reachable, transport(input.http)];
  if (!reachable.ok) {
    const ids: DoctorCheckId[] = ['site-address', 'apis', 'password-grant', 'client', 'token', 'first-request'];
    return [...checks, ...ids.map((id) => skipped(id, 'the server or site could not be reached'))];
  }
  checks.push(siteAddress(input.http, caps), apisOn(caps, wanted), passwordGrant(caps, input.summary));
  checks.push(await clientCheck(input), await tokenCheck(input), await firstRequest(input));
  return checks;
}
