/** Shared set-up for the core tests that run against the in-process OpenEMR simulator. */
import { startSimulator, type RunningSimulator, type SimOptions } from '../../openemr-sim';
import {
  HttpClient,
  OAuthClient,
  registerClient,
  type AuthorizationRequest,
  type RegisteredClient,
  type RegistrationRequest,
  type ServerConfig,
  type TokenSet,
} from '../../../src/core';
import { captureLogger } from './log-capture';

export interface SimContext {
  sim: RunningSimulator;
  server: ServerConfig;
  http: HttpClient;
  log: ReturnType<typeof captureLogger>;
  close(): Promise<void>;
}

export async function startSim(options: SimOptions = {}): Promise<SimContext> {
  const sim = await startSimulator({ port: 0, quiet: true, patients: 30, seed: 7, ...options });
  const server: ServerConfig = { baseUrl: sim.url, timeoutMs: 10_000 };
  const log = captureLogger();
  const http = new HttpClient(server, log);
  return {
    sim,
    server,
    http,
    log,
    close: async () => {
      http.dispose();
      await sim.close();
    },
  };
}

export const USER_SCOPES = [
  'openid',
  'offline_access',
  'api:oemr',
  'api:fhir',
  'user/patient.read',
  'user/patient.write',
  'user/encounter.read',
  'user/Patient.read',
  'user/Observation.read',
];

/** Registers a confidential client and enables it, as an administrator would. */
export async function enabledClient(ctx: SimContext, overrides: Partial<RegistrationRequest> = {}): Promise<RegisteredClient> {
  const client = await registerClient(ctx.http, {
    clientName: 'core tests',
    applicationType: 'private',
    redirectUris: ['http://127.0.0.1:8765/callback'],
    scopes: USER_SCOPES,
    ...overrides,
  });
  ctx.sim.enableClient(client.clientId);
  return client;
}

export function oauthFor(
  ctx: SimContext,
  client: RegisteredClient,
  extra: Partial<ConstructorParameters<typeof OAuthClient>[1]> = {},
): OAuthClient {
  return new OAuthClient(ctx.http, { clientId: client.clientId, clientSecret: client.clientSecret, ...extra });
}

export async function adminPasswordTokens(oauth: OAuthClient, scopes = USER_SCOPES): Promise<TokenSet> {
  return oauth.passwordGrant({ role: 'users', username: 'admin', password: 'pass', scopes });
}

function hiddenAuth(html: string): string {
  const m = /name="auth" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no auth field in page: ${html.slice(0, 200)}`);
  return m[1]!;
}

export interface BrowserLogin {
  role?: 'users' | 'patient';
  username?: string;
  password?: string;
  email?: string;
  deny?: boolean;
}

/**
 * Plays the user's browser: opens the authorize URL, posts the login and consent forms, and follows
 * the final redirect to the loopback listener.
 */
export async function driveBrowser(authorizeUrl: string, login: BrowserLogin = {}): Promise<void> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status === 302) {
    await fetch(page.headers.get('location')!);
    return;
  }
  const loginHtml = await page.text();
  const base = new URL(authorizeUrl);
  const oauthBase = base.href.replace(/\/authorize.*$/, '');
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const auth = hiddenAuth(loginHtml);
  const consent = await fetch(
    `${oauthBase}/login`,
    form({
      auth,
      user_role: login.role ?? 'users',
      username: login.username ?? 'admin',
      password: login.password ?? 'pass',
      email: login.email ?? '',
    }),
  );
  const consentHtml = await consent.text();
  const decision = await fetch(
    `${oauthBase}/scope-authorize-confirm`,
    form(login.deny ? { auth: hiddenAuth(consentHtml), deny: '1' } : { auth: hiddenAuth(consentHtml), proceed: '1' }),
  );
  const location = decision.headers.get('location');
  if (!location) throw new Error(`no redirect after consent (${decision.status})`);
  await fetch(location);
}

export type { AuthorizationRequest };
