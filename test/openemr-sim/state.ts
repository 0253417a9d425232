/** Everything one running simulator knows: options, globals, clients, tokens, data, keys, counters. */
import type { JWK } from 'jose';
import { BackgroundServiceTable } from './api/background-services.js';
import { DataStore } from './data/store.js';
import { flavorErrors, type FlavorErrors } from './errors.js';
import { SigningKey } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { Rng } from './data/prng.js';
import type { ScopeSettings } from './scopes.js';
import { TokenStore } from './tokens.js';
import { patientLogins, userLogins, type PatientLogin, type UserLogin } from './users.js';

/** OpenEMR globals the simulator honours (Admin > Config > Connectors). */
export interface Globals {
  rest_api: number;
  rest_fhir_api: number;
  rest_portal_api: number;
  rest_system_scopes_api: number;
  oauth_password_grant: number;
  oauth_app_manual_approval: number;
}
export const GLOBAL_NAMES: ReadonlyArray<keyof Globals> = [
  'rest_api',
  'rest_fhir_api',
  'rest_portal_api',
  'rest_system_scopes_api',
  'oauth_password_grant',
  'oauth_app_manual_approval',
];

export interface ClientRecord {
  client_id: string;
  client_secret: string;
  registration_access_token: string;
  registration_client_uri: string;
  client_id_issued_at: number;
  site: string;
  isPublic: boolean;
  enabled: boolean;
  scopes: string[];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  token_endpoint_auth_method: string;
  jwks?: { keys: JWK[] };
  jwks_uri?: string;
  /** the echoed registration metadata */
  metadata: Record<string, unknown>;
}

export interface Counters {
  tokenRequests: number;
  byGrant: Record<string, number>;
  requests: number;
  /** requests by HTTP method (the controls included) */
  byMethod: Record<string, number>;
  /** token requests by the client_id they name (`none` when they name none) */
  byClient: Record<string, number>;
}

export function initialGlobals(o: ResolvedOptions): Globals {
  const on = (b: boolean) => (b ? 1 : 0);
  return {
    rest_api: on(o.apis.includes('rest')),
    rest_fhir_api: on(o.apis.includes('fhir')),
    rest_portal_api: on(o.apis.includes('portal')),
    rest_system_scopes_api: on(o.systemScopes),
    oauth_password_grant: o.passwordGrant,
    oauth_app_manual_approval: on(o.manualApproval),
  };
}

export class SimState {
  globals: Globals;
  readonly clients = new Map<string, ClientRecord>();
  readonly tokens = new TokenStore();
  data: DataStore;
  /** 8.x's background services; their run clock is not written to --data-file */
  backgroundServices = new BackgroundServiceTable();
  readonly errors: FlavorErrors;
  readonly counters: Counters = { tokenRequests: 0, byGrant: {}, requests: 0, byMethod: {}, byClient: {} };
  readonly failRng: Rng;
  users: UserLogin[];
  patientLogins: PatientLogin[];
  /** http://host:port, set once listening */
  url = '';
  /** persistence hook, called after any change worth keeping */
  persist: () => void = () => undefined;

  /** `data` may be generated beforehand (while the signing key is being made). */
  constructor(
    readonly options: ResolvedOptions,
    readonly key: SigningKey,
    data?: DataStore,
  ) {
    this.globals = initialGlobals(options);
    this.errors = flavorErrors(options.flavor);
    this.failRng = new Rng(options.seed, 'failures');
    this.data = data ?? this.freshData();
    this.data.onWrite = () => this.persist();
    this.users = userLogins(this.data);
    this.patientLogins = patientLogins(this.data);
  }

  private freshData(): DataStore {
    const data = new DataStore(this.options.seed, this.options.patients);
    data.onWrite = () => this.persist();
    return data;
  }

  get flavor(): 7 | 8 {
    return this.options.flavor;
  }

  /** The OpenEMR release answered as (version endpoint, CapabilityStatement). */
  get release(): ResolvedOptions['release'] {
    return this.options.release;
  }

  scopeSettings(): ScopeSettings {
    return {
      flavor: this.options.flavor,
      systemScopes: this.globals.rest_system_scopes_api === 1,
      release: this.options.release,
    };
  }

  /** Discards every write, client and token: the state right after start. */
  resetAll(): void {
    this.globals = initialGlobals(this.options);
    this.clients.clear();
    this.tokens.clear();
    this.data.stopFilling();
    this.data = this.freshData();
    this.data.fillInBackground();
    this.backgroundServices = new BackgroundServiceTable();
    this.users = userLogins(this.data);
    this.patientLogins = patientLogins(this.data);
    this.counters.tokenRequests = 0;
    this.counters.byGrant = {};
    this.counters.requests = 0;
    this.counters.byMethod = {};
    this.counters.byClient = {};
  }

  oauthBase(site: string): string {
    return `${this.url}/oauth2/${site}`;
  }

  fhirBase(site: string): string {
    return `${this.url}/apis/${site}/fhir`;
  }

  apiBase(site: string): string {
    return `${this.url}/apis/${site}/api`;
  }

  portalBase(site: string): string {
    return `${this.url}/apis/${site}/portal`;
  }
}
