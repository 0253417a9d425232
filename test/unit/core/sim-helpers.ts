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
import { walkAuthorization } from '../../openemr-sim/test-helpers';

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

export interface BrowserLogin {
  role?: 'users' | 'patient';
  username?: string;
  password?: string;
  email?: string;
  deny?: boolean;
}

/**
 * Plays the user's browser: walks the authorize flow (8.x's 307 sequence or 7.0.3's forms) and follows the
 * final redirect to the loopback listener.
 */
export async function driveBrowser(authorizeUrl: string, login: BrowserLogin = {}): Promise<void> {
  const back = await walkAuthorization(
    authorizeUrl,
    {
      user_role: login.role ?? 'users',
      username: login.username ?? 'admin',
      password: login.password ?? 'pass',
      email: login.email ?? '',
    },
    login.deny ? { deny: '1' } : { proceed: '1' },
  );
  await fetch(back);
}

export type { AuthorizationRequest };
