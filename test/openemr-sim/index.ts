/** Starts the OpenEMR simulator in-process: `const sim = await startSimulator({ port: 0 })`. */
import type { AddressInfo } from 'node:net';
import { applyGlobals } from './controls.js';
import { setClientEnabled } from './admin-page.js';
import { DataStore } from './data/store.js';
import { SigningKey } from './keys.js';
import { resolveOptions, type ResolvedOptions, type SimOptions } from './options.js';
import { loadInto, savedKey, saver } from './persistence.js';
import { createSimServer } from './server.js';
import { SimState, type Counters, type Globals } from './state.js';
import { MFA_SECRET, PASSWORD, totp, type PatientLogin } from './users.js';

export type { SimOptions, ResolvedOptions, Globals, Counters, PatientLogin };

export interface ClientSummary {
  client_id: string;
  client_name?: string;
  enabled: boolean;
  isPublic: boolean;
  scopes: string[];
}

export interface Logins {
  /** the administrator: admin / pass, users role */
  admin: { username: string; password: string };
  /** admin / pass (users role); mfa / pass also needs the TOTP code of `currentMfaCode()`; clerk / pass has no ACL for the medical record */
  users: Array<{ username: string; password: string; mfa: boolean }>;
  /** portal logins of the first three patients */
  patients: PatientLogin[];
}

export interface RunningSimulator {
  /** http://HOST:PORT, no trailing slash */
  url: string;
  port: number;
  options: ResolvedOptions;
  logins: Logins;
  close(): Promise<void>;
  enableClient(clientId: string): boolean;
  disableClient(clientId: string): boolean;
  setGlobals(changes: Partial<Globals>): void;
  globals(): Globals;
  expireTokens(): void;
  revokeTokens(): void;
  reset(): void;
  clients(): ClientSummary[];
  /** token requests by grant type, and requests overall */
  counters(): Counters;
  /** the current TOTP code of the `mfa` user */
  currentMfaCode(): string;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(options: SimOptions = {}): Promise<RunningSimulator> {
  const o = resolveOptions(options);
  // RSA key generation runs on libuv's thread pool; the data store is cheap to make (patients are generated on use).
  const key = SigningKey.create(savedKey(o.dataFile));
  const data = new DataStore(o.seed, o.patients);
  const state = new SimState(o, await key, data);
  if (o.dataFile) loadInto(state, o.dataFile);
  const server = createSimServer(state);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  state.data.fillInBackground();
  state.url = o.publicUrl ?? `http://${urlHost(o.host)}:${port}`;
  if (o.dataFile) {
    state.persist = saver(state, o.dataFile);
    state.persist();
  }
  return {
    url: state.url,
    port,
    options: o,
    logins: {
      admin: { username: 'admin', password: PASSWORD },
      users: state.users.map((u) => ({ username: u.username, password: u.password, mfa: Boolean(u.mfaSecret) })),
      patients: state.patientLogins.map((p) => ({ ...p })),
    },
    close: () =>
      new Promise<void>((ok) => {
        state.data.stopFilling();
        server.close(() => ok());
        server.closeAllConnections();
      }),
    enableClient: (id) => setClientEnabled(state, id, true),
    disableClient: (id) => setClientEnabled(state, id, false),
    setGlobals: (changes) => {
      const problem = applyGlobals(state, changes);
      if (problem) throw new Error(problem);
    },
    globals: () => ({ ...state.globals }),
    expireTokens: () => state.tokens.expireAll(),
    revokeTokens: () => state.tokens.revokeAll(),
    reset: () => {
      state.resetAll();
      state.persist();
    },
    clients: () =>
      [...state.clients.values()].map((c) => ({
        client_id: c.client_id,
        client_name: typeof c.metadata.client_name === 'string' ? c.metadata.client_name : undefined,
        enabled: c.enabled,
        isPublic: c.isPublic,
        scopes: [...c.scopes],
      })),
    counters: () => structuredClone(state.counters),
    currentMfaCode: () => totp(MFA_SECRET),
  };
}
