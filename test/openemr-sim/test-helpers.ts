/** Helpers of the conformance suite: an HTTP client over Node's fetch and the OAuth steps a client takes. */
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { startSimulator, type RunningSimulator, type SimOptions } from './index.js';

export const FLAVORS = [7, 8] as const;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** parsed JSON, or undefined when the body is not JSON */
  json: unknown;
}

/** Parsed JSON for assertions: any property (or index) read gives more JSON; `list()` views it as an array. */
export interface Json {
  [key: string]: Json;
}

export function list(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw new Error(`not an array: ${JSON.stringify(value)}`);
  return value as Json[];
}

export function body(a: Answer): Json {
  return (a.json ?? {}) as Json;
}

export async function call(url: string, init: RequestInit & { token?: string } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function form(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return call(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function postJson(url: string, body: unknown, token?: string, method = 'POST'): Promise<Answer> {
  return call(url, { method, token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function start(flavor: 7 | 8, options: SimOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ flavor, quiet: true, patients: 20, ...options });
}

export const oauth = (sim: RunningSimulator, path: string) => `${sim.url}/oauth2/default${path}`;
export const apis = (sim: RunningSimulator, path: string) => `${sim.url}/apis/default${path}`;

export interface Registered {
  client_id: string;
  client_secret: string;
  registration_access_token: string;
  registration_client_uri: string;
  [k: string]: unknown;
}

export const REDIRECT = 'http://127.0.0.1:9/callback';

export async function register(sim: RunningSimulator, metadata: Record<string, unknown>): Promise<Registered> {
  const r = await postJson(oauth(sim, '/registration'), { redirect_uris: [REDIRECT], client_name: 'test app', ...metadata });
  if (r.status !== 200) throw new Error(`registration failed: ${r.status} ${r.text}`);
  return r.json as Registered;
}

/** A confidential client with the given scopes, enabled by the admin step when needed. */
export async function confidential(
  sim: RunningSimulator,
  scope: string,
  extra: Record<string, unknown> = {},
): Promise<Registered> {
  const c = await register(sim, { application_type: 'private', scope, ...extra });
  sim.enableClient(c.client_id);
  return c;
}

export async function passwordToken(
  sim: RunningSimulator,
  client: Registered,
  scope: string,
  who: Record<string, string> = { user_role: 'users', username: 'admin', password: 'pass' },
): Promise<Json> {
  const r = await form(oauth(sim, '/token'), { grant_type: 'password', client_id: client.client_id, scope, ...who });
  if (r.status !== 200) throw new Error(`password grant failed: ${r.status} ${r.text}`);
  return r.json as Json;
}

export const ALL_USER_SCOPES =
  'openid offline_access api:oemr api:fhir user/patient.read user/patient.write user/encounter.read user/encounter.write user/vital.read user/vital.write user/soap_note.read user/medical_problem.read user/medical_problem.write user/allergy.read user/allergy.write user/medication.read user/medication.write user/surgery.read user/dental_issue.read user/appointment.read user/appointment.write user/document.read user/document.write user/insurance.read user/insurance.write user/insurance_company.read user/insurance_type.read user/practitioner.read user/practitioner.write user/facility.read user/facility.write user/list.read user/user.read user/immunization.read user/procedure.read user/drug.read user/prescription.read user/message.write user/transaction.read user/transaction.write user/version.read user/product.read user/Patient.read user/Patient.write user/Encounter.read user/Observation.read user/Condition.read user/AllergyIntolerance.read user/MedicationRequest.read user/Medication.read user/Immunization.read user/Procedure.read user/Practitioner.read user/Practitioner.write user/PractitionerRole.read user/Organization.read user/Organization.write user/Location.read user/CareTeam.read user/CarePlan.read user/Goal.read user/Coverage.read user/DocumentReference.read user/DiagnosticReport.read user/Provenance.read user/Binary.read';

/** An admin token that may call every route. */
export async function adminToken(sim: RunningSimulator, scope = ALL_USER_SCOPES): Promise<string> {
  const c = await confidential(sim, scope);
  return String((await passwordToken(sim, c, scope)).access_token);
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface BrowserLogin {
  user_role: 'users' | 'patient';
  username: string;
  password: string;
  email?: string;
}

interface HtmlForm {
  action: string;
  fields: Array<{ name: string; value: string; type: string; checked: boolean }>;
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeHtml(m[1]!) : undefined;
}

function firstForm(html: string, base: string): HtmlForm {
  const open = /<form[^>]*>/.exec(html);
  if (!open) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  const fields = [...html.matchAll(/<input[^>]*>/g)].map(([tag]) => ({
    name: attribute(tag, 'name') ?? '',
    value: attribute(tag, 'value') ?? '',
    type: attribute(tag, 'type') ?? 'text',
    checked: /\schecked\b/.test(tag),
  }));
  return { action: new URL(attribute(open[0], 'action') ?? '', base).href, fields };
}

/**
 * Plays the user's browser through OpenEMR's authorize flow, whatever its shape: follows redirects (a 307
 * keeps the method and body, as browsers do) with a cookie jar, fills the login form, picks a patient on
 * the SMART patient selection (`consent.patient`, else the first) and answers the consent form with
 * `consent` (its fields replace the page's, so `scope` narrows the checked scopes). Answers the first
 * redirect that leaves the server: the app's redirect URI with the code or the error.
 */
export async function walkAuthorization(
  authorizeUrl: string,
  login: BrowserLogin,
  consent: Record<string, string> = { proceed: '1' },
): Promise<URL> {
  const origin = new URL(authorizeUrl).origin;
  const cookies = new Map<string, string>();
  let request: { url: string; method: string; body?: string } = { url: authorizeUrl, method: 'GET' };
  for (let step = 0; step < 20; step++) {
    const res = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(request.body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      body: request.body,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.origin !== origin || !next.pathname.includes('/oauth2/')) return next;
      request = res.status === 307 || res.status === 308 ? { ...request, url: next.href } : { url: next.href, method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`authorize flow answered ${res.status} at ${request.url}: ${html.slice(0, 300)}`);
    const page = firstForm(html, request.url);
    const values = new URLSearchParams();
    const keep = (f: HtmlForm['fields'][number]) =>
      f.type === 'hidden' || ((f.type === 'checkbox' || f.type === 'radio') && f.checked);
    if (page.fields.some((f) => f.name === 'username')) {
      if (html.includes('role="alert"') && step > 0 && request.method === 'POST')
        throw new Error(`login failed: ${html.slice(0, 300)}`);
      for (const f of page.fields.filter((x) => x.type === 'hidden')) values.append(f.name, f.value);
      for (const [k, v] of Object.entries({ email: '', ...login })) values.set(k, v);
    } else if (page.fields.some((f) => f.name === 'patient_id')) {
      for (const f of page.fields.filter(keep)) values.append(f.name, f.value);
      if (consent.patient) values.set('patient_id', consent.patient);
    } else {
      for (const f of page.fields.filter((x) => keep(x) && !(x.name in consent))) values.append(f.name, f.value);
      for (const [k, v] of Object.entries(consent)) values.set(k, v);
    }
    request = { url: page.action, method: 'POST', body: values.toString() };
  }
  throw new Error('the authorize flow did not end');
}

/** Walks the authorize flow as a browser would; returns the redirect to the app. */
export function authorizeInBrowser(
  sim: RunningSimulator,
  params: Record<string, string>,
  login: BrowserLogin,
  consent: Record<string, string> = { proceed: '1' },
): Promise<URL> {
  return walkAuthorization(`${oauth(sim, '/authorize')}?${new URLSearchParams(params)}`, login, consent);
}

export const ADMIN_LOGIN: BrowserLogin = { user_role: 'users', username: 'admin', password: 'pass' };

/** An RS384 key pair a backend-services client registers (public JWKS) and signs assertions with. */
export async function assertionKey(): Promise<{
  jwks: { keys: JWK[] };
  sign: (clientId: string, aud: string, jti?: string) => Promise<string>;
}> {
  const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS384', use: 'sig' };
  const sign = (clientId: string, aud: string, jti = randomBytes(8).toString('hex')) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS384', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(aud)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey as CryptoKey);
  return { jwks: { keys: [jwk] }, sign };
}

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A backend-services (client_credentials) token; switches system scopes on first. */
export async function systemToken(sim: RunningSimulator, scope: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  sim.setGlobals({ rest_system_scopes_api: 1 });
  const key = await assertionKey();
  const c = await confidential(sim, scope, { jwks: key.jwks, ...extra });
  const aud = oauth(sim, '/token');
  return form(aud, {
    grant_type: 'client_credentials',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await key.sign(c.client_id, aud),
    scope,
  });
}

/** Kicks off a bulk export and polls until the manifest; answers the manifest's outputs. */
export async function exportOutputs(sim: RunningSimulator, token: string, path: string): Promise<Json[]> {
  const kick = await call(apis(sim, `/fhir${path}`), { token, headers: { Prefer: 'respond-async' } });
  if (kick.status !== 202) throw new Error(`export answered ${kick.status} ${kick.text}`);
  const statusUrl = kick.headers.get('content-location') ?? '';
  for (;;) {
    const r = await call(statusUrl, { token });
    if (r.status === 200) return list(body(r).output);
    if (r.status !== 202) throw new Error(`status answered ${r.status}`);
  }
}
