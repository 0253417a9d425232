/**
 * /authorize, the login, the SMART patient selection and the consent: the authorization-code flow (facts §3).
 * 8.x (AuthorizationController.php:616 and ::userLogin) keeps the request in the session and walks the browser
 * with 307s: /authorize -> /provider/login -> (POST /login) -> /smart/patient-select when a user asks for
 * launch/patient -> /scope-authorize-confirm -> (POST /device/code) -> the app's redirect URI. 7.0.3 answers
 * the login form at /authorize and the consent form at /login. The session is a cookie, as PHP's is; the
 * forms also carry it in a hidden field.
 */
import { oauthErrors } from '../errors.js';
import { formAll, parseForm } from '../http.js';
import { fail, reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';
import { firstUnknownScope, splitScopes } from '../scopes.js';
import type { ClientRecord, SimState } from '../state.js';
import { CODE_TTL_MS, randomToken, type Grant } from '../tokens.js';
import { withSiteScope } from './issue.js';
import { consentPage, loginPage, patientSelectPage } from './pages.js';

/** The session cookie of the authorize flow (OpenEMR's PHP session for /oauth2). */
const SESSION_COOKIE = 'authserverOpenEMR';

interface PendingAuthorization {
  clientId: string;
  site: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  launchPatient?: string;
  /** set once the login succeeded */
  login?: { role: 'users' | 'patient'; sub: string; username: string; sessionId: string };
  /** who logged in, for the consent page */
  who?: string;
  exp: number;
}

const PENDING_TTL_MS = 15 * 60_000;
const pendingByState = new WeakMap<SimState, Map<string, PendingAuthorization>>();

function pendingOf(state: SimState): Map<string, PendingAuthorization> {
  let map = pendingByState.get(state);
  if (!map) pendingByState.set(state, (map = new Map()));
  return map;
}

function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** After the redirect URI is known, league sends errors back to it. */
function redirectError(redirectUri: string, r: Reply, st?: string): Reply {
  const body = r.json as Record<string, string>;
  return reply.redirect(
    withQuery(redirectUri, {
      error: body.error,
      error_description: body.error_description,
      hint: body.hint,
      message: body.message,
      state: st,
    }),
  );
}

function allowedAudiences(state: SimState, site: string): string[] {
  return [state.fhirBase(site), state.apiBase(site), state.portalBase(site)];
}

function clientName(c: ClientRecord): string {
  return typeof c.metadata.client_name === 'string' ? c.metadata.client_name : c.client_id;
}

export function authorize(ctx: RequestContext): Reply {
  const { state, site } = ctx;
  const p = ctx.method === 'POST' ? parseForm(ctx.body) : Object.fromEntries(ctx.query);
  if (ctx.method === 'POST' && state.flavor === 7) return state.errors.unknownRoute();
  if (!p.client_id) return oauthErrors.invalidRequest('client_id');
  const client = state.clients.get(p.client_id);
  if (!client || !client.enabled) return oauthErrors.invalidClient();
  const redirectUri = p.redirect_uri ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined);
  if (!redirectUri || !client.redirect_uris.includes(redirectUri)) return oauthErrors.invalidClient();
  const back = (r: Reply) => redirectError(redirectUri, r, p.state);
  if (p.response_type !== 'code') return back(oauthErrors.invalidRequest('response_type'));
  const requested = splitScopes(p.scope);
  const unknown = firstUnknownScope(requested, state.scopeSettings());
  if (unknown !== undefined) return back(oauthErrors.invalidScope(unknown));
  if (p.aud !== undefined && !allowedAudiences(state, site).includes(p.aud.replace(/\/$/, '')))
    return back(
      oauthErrors.invalidRequest('aud', 'Check the `aud` parameter: it must be the FHIR, standard API or portal base URL'),
    );
  const method = p.code_challenge ? (p.code_challenge_method ?? 'plain') : undefined;
  if (method !== undefined && method !== 'S256' && method !== 'plain')
    return back(oauthErrors.invalidRequest('code_challenge_method', 'Code challenge method must be one of `plain`, `S256`'));
  if (client.isPublic && !p.code_challenge)
    return back(oauthErrors.invalidRequest(undefined, 'Code challenge must be provided for public clients'));
  const auth = randomToken(16);
  pendingOf(state).set(auth, {
    clientId: client.client_id,
    site,
    redirectUri,
    state: p.state,
    nonce: p.nonce,
    scopes: requested.filter((s) => client.scopes.includes(s)),
    codeChallenge: p.code_challenge || undefined,
    codeChallengeMethod: method,
    launchPatient: p.launch && state.data.patientByUuid(p.launch) ? p.launch : undefined,
    exp: Date.now() + PENDING_TTL_MS,
  });
  const cookie = { 'Set-Cookie': `${SESSION_COOKIE}=${auth}; Path=/; HttpOnly; SameSite=Lax` };
  if (state.flavor === 8) return { status: 307, headers: { Location: `${state.oauthBase(site)}/provider/login`, ...cookie } };
  const page = reply.html(200, loginPage(`${state.oauthBase(site)}/login`, auth, clientName(client)));
  return { ...page, headers: { ...page.headers, ...cookie } };
}

function sessionOf(ctx: RequestContext, form: Record<string, string>): string {
  if (form.auth) return form.auth;
  const cookies = String(ctx.req.headers.cookie ?? '').split(/;\s*/);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1) ?? '';
}

function redirect307(location: string): Reply {
  return { status: 307, headers: { Location: location } };
}

function pendingFrom(ctx: RequestContext, form: Record<string, string>): PendingAuthorization {
  const pending = pendingOf(ctx.state).get(sessionOf(ctx, form));
  if (!pending || pending.exp < Date.now() || pending.site !== ctx.site)
    fail(oauthErrors.invalidRequest(undefined, 'Bad request'));
  return pending;
}

function patientLoginAllowed(state: SimState): boolean {
  return state.globals.rest_portal_api === 1 || state.globals.rest_fhir_api === 1;
}

function formOf(ctx: RequestContext): Record<string, string> {
  return ctx.method === 'POST' ? parseForm(ctx.body) : {};
}

/**
 * /provider/login and /login: without credentials the login form; with good ones, 8.x redirects (307) to the
 * patient selection or the consent, 7.0.3 shows the consent form.
 */
export function login(ctx: RequestContext): Reply {
  const { state, site } = ctx;
  const form = formOf(ctx);
  const pending = pendingFrom(ctx, form);
  const auth = sessionOf(ctx, form);
  const client = state.clients.get(pending.clientId);
  if (!client) return oauthErrors.invalidClient();
  const again = (error?: string) => reply.html(200, loginPage(`${state.oauthBase(site)}/login`, auth, clientName(client), error));
  if (!form.username && !form.password) return again();
  let who: string;
  if (form.user_role === 'patient') {
    if (!patientLoginAllowed(state)) return again('Patient login needs the portal or FHIR API switched on.');
    const p = state.patientLogins.find(
      (x) => x.username === form.username && x.password === form.password && x.email === form.email,
    );
    if (!p) return again('Invalid username, password or email.');
    pending.login = { role: 'patient', sub: p.uuid, username: p.username, sessionId: state.tokens.newSession() };
    who = `${p.username} (patient)`;
  } else {
    const u = state.users.find((x) => x.username === form.username && x.password === form.password);
    if (!u) return again('Invalid username or password.');
    pending.login = { role: 'users', sub: u.uuid, username: u.username, sessionId: state.tokens.newSession() };
    who = `${u.username} (user)`;
  }
  pending.who = who;
  const needsPatient = pending.login.role === 'users' && pending.scopes.includes('launch/patient') && !pending.launchPatient;
  if (state.flavor === 8)
    return redirect307(`${state.oauthBase(site)}${needsPatient ? '/smart/patient-select' : '/scope-authorize-confirm'}`);
  const first = state.data.patientByPid(1);
  const patientChoice =
    needsPatient && first ? { uuid: first.uuid, label: `Default: ${first.fname} ${first.lname} (pid ${first.pid})` } : undefined;
  return consent(ctx, pending, auth, patientChoice);
}

function consent(
  ctx: RequestContext,
  pending: PendingAuthorization,
  auth: string,
  patientChoice?: { uuid: string; label: string },
): Reply {
  const { state, site } = ctx;
  const client = state.clients.get(pending.clientId);
  if (!client) return oauthErrors.invalidClient();
  return reply.html(
    200,
    consentPage({
      // 8.x's consent form posts to /device/code (AuthorizationController::scopeAuthorizeConfirm)
      action: `${state.oauthBase(site)}${state.flavor === 8 ? '/device/code' : '/scope-authorize-confirm'}`,
      auth,
      clientName: clientName(client),
      who: pending.who ?? '',
      scopes: pending.scopes,
      patientChoice,
    }),
  );
}

/** 8.x's SMART patient selection, for a user asking for launch/patient: a few patients to pick from. */
export function patientSelect(ctx: RequestContext): Reply {
  const { state, site } = ctx;
  const form = formOf(ctx);
  const pending = pendingFrom(ctx, form);
  if (!pending.login) fail(oauthErrors.invalidRequest(undefined, 'Bad request'));
  const patients = state.data
    .patientsByPid()
    .slice(0, 20)
    .map((p) => ({ uuid: p.uuid, label: `${p.fname} ${p.lname} (pid ${p.pid}, born ${p.DOB})` }));
  return reply.html(
    200,
    patientSelectPage(`${state.oauthBase(site)}/smart/patient-select-confirm`, sessionOf(ctx, form), patients),
  );
}

/** POST /smart/patient-select-confirm: keeps the chosen patient as the launch context, then on to the consent. */
export function patientSelectConfirm(ctx: RequestContext): Reply {
  const { state, site } = ctx;
  const form = formOf(ctx);
  const pending = pendingFrom(ctx, form);
  if (!pending.login) fail(oauthErrors.invalidRequest(undefined, 'Bad request'));
  const chosen = state.data.patientByUuid(form.patient_id ?? '');
  if (!chosen) return patientSelect(ctx);
  pending.launchPatient = chosen.uuid;
  return reply.redirect(`${state.oauthBase(site)}/scope-authorize-confirm`);
}

/**
 * /scope-authorize-confirm without a decision shows the consent form (8.x arrives here by 307); with one
 * (proceed or deny), and /device/code, issue the one-minute code and redirect back to the app.
 */
export function confirm(ctx: RequestContext): Reply {
  const { state } = ctx;
  const form = formOf(ctx);
  const pending = pendingFrom(ctx, form);
  if (!pending.login) fail(oauthErrors.invalidRequest(undefined, 'Bad request'));
  if (!form.proceed && !form.deny) return consent(ctx, pending, sessionOf(ctx, form));
  pendingOf(state).delete(sessionOf(ctx, form));
  if (form.deny || !form.proceed)
    return redirectError(pending.redirectUri, oauthErrors.accessDenied('The user denied the request'), pending.state);
  const chosen = form.scopes_submitted ? formAll(ctx.body, 'scope').filter((s) => pending.scopes.includes(s)) : pending.scopes;
  const login = pending.login;
  const patient =
    login.role === 'patient'
      ? login.sub
      : (pending.launchPatient ?? (chosen.includes('launch/patient') ? validPatient(state, form.patient) : undefined));
  const grant: Grant = {
    clientId: pending.clientId,
    site: pending.site,
    scopes: withSiteScope(state, chosen, pending.site),
    role: login.role,
    sub: login.sub,
    username: login.username,
    sessionId: login.sessionId,
    patient,
  };
  const code = randomToken(32);
  state.tokens.codes.set(code, {
    ...grant,
    code,
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    nonce: pending.nonce,
    exp: Date.now() + CODE_TTL_MS,
  });
  return reply.redirect(withQuery(pending.redirectUri, { code, state: pending.state }));
}

function validPatient(state: SimState, uuid: string | undefined): string | undefined {
  return (uuid && state.data.patientByUuid(uuid)?.uuid) || state.data.patientByPid(1)?.uuid;
}
