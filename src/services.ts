/**
 * The services built once in activate() and handed to every feature (explorer, viewer, commands).
 * Features depend on these interfaces only; the implementations live in src/auth/.
 * Nothing reachable from here ever exposes a secret except `TokenManager.accessToken`, which exists for
 * the explicit "Copy Access Token" command and must not be used to display or log anything.
 */
import type * as vscode from 'vscode';
import type { OpenEmrClient, TokenSummary } from './core';
import type { ClientStates } from './doctor/clientStates';
import type { ViewerFetcher } from './viewer/fetcher';

/** The APIs a profile uses: standard REST (`/api`), FHIR R4 (`/fhir`), patient portal (`/portal`). */
export type ApiName = 'api' | 'fhir' | 'portal';

/**
 * One OpenEMR server as kept in the user setting `openemr.servers`. Holds no secret: client secrets,
 * registration access tokens and tokens live in SecretStorage.
 */
export interface ServerProfile {
  /** Stable id (generated when added); command arguments use it as `serverId`. */
  id: string;
  /** Display name, shown in the explorer and the status bar. */
  name: string;
  /** e.g. `https://emr.example.org` or `https://host/openemr` (normalised, no trailing slash). */
  baseUrl: string;
  /** Multisite name, `default` unless the installation has several sites. */
  site: string;
  /** The APIs to show and request scopes for; all three when omitted. */
  apis?: ApiName[];
  tls?: {
    /** Path of a PEM file with extra trusted CA certificates. */
    caFile?: string;
    /** Accept a self-signed certificate for this server only. */
    allowSelfSigned?: boolean;
  };
  /** Allow secrets over plain http to a non-loopback host (never needed for localhost). */
  allowInsecureHttp?: boolean;
  /** Port of the loopback redirect listener for the browser sign-in (default 8765). */
  redirectPort?: number;
  /** The registered OAuth client id; not a secret. Its secret half is in SecretStorage. */
  clientId?: string;
  /** Whether the registered client is confidential (`private`) or public. */
  applicationType?: 'private' | 'public';
  /** Scopes registered for the client (what sign-ins ask for by default). */
  scopes?: string[];
}

/** What can be given when adding a server; the rest gets defaults. */
export type NewServerProfile = Omit<ServerProfile, 'id' | 'name' | 'site'> & { name?: string; site?: string };

/** A change of the server list. `changed` covers renames and edits of any field. */
export interface ServersChange {
  kind: 'added' | 'removed' | 'changed';
  serverId: string;
}

/** The server profiles (the `openemr.servers` setting), re-read when the setting changes. */
export interface ServerStore {
  /** Fires after the list changed, whether through this store or an edit of settings.json. */
  readonly onDidChange: vscode.Event<ServersChange>;
  list(): readonly ServerProfile[];
  get(serverId: string): ServerProfile | undefined;
  /** Like get, but throws an error that says which id is unknown. */
  require(serverId: string): ServerProfile;
  add(profile: NewServerProfile): Promise<ServerProfile>;
  /** Changes fields of a profile (rename = `{ name }`). */
  update(serverId: string, patch: Partial<Omit<ServerProfile, 'id'>>): Promise<ServerProfile>;
  /** Removes the profile and forgets its secrets and tokens. */
  remove(serverId: string): Promise<void>;
}

/** Sign-in state of one server, without any token: fit for trees, status bar, command results. */
export interface SignInState {
  serverId: string;
  signedIn: boolean;
  /** e.g. `admin@clinic` (the subject or fhirUser, and the server name). */
  account?: string;
  summary?: TokenSummary;
}

/** Why a sign-in state changed. */
export type SignInChangeReason = 'signed-in' | 'refreshed' | 'signed-out' | 'loaded' | 'refresh-failed';

export interface SignInChange {
  serverId: string;
  reason: SignInChangeReason;
  state: SignInState;
}

/**
 * Tokens of every server, kept in SecretStorage; refreshes on its own and re-reads when another window
 * changed the secrets.
 */
export interface TokenManager {
  readonly onDidChange: vscode.Event<SignInChange>;
  /** The cached state (no I/O). */
  state(serverId: string): SignInState;
  /** Every server currently signed in. */
  signedIn(): SignInState[];
  /** Loads the tokens of a server from SecretStorage (done for all servers at activation). */
  load(serverId: string): Promise<SignInState>;
  /** Ends the server session (logout endpoint when an id token is held) and deletes the tokens. */
  signOut(serverId: string): Promise<void>;
  /**
   * A valid access token (refreshed first when needed). Only for "Copy Access Token" and the
   * AuthenticationProvider; never display or log it.
   */
  accessToken(serverId: string, signal?: AbortSignal): Promise<string>;
}

export interface Services {
  /** The "OpenEMR" log channel; every request is logged there (method, URL, status, time), no secret. */
  log: vscode.LogOutputChannel;
  servers: ServerStore;
  tokens: TokenManager;
  /**
   * The API client of a server, using that server's current token (stable across sign-ins: requests
   * throw OpenEmrError `not-signed-in` until a sign-in). Throws for an unknown server id.
   */
  client(serverId: string): OpenEmrClient;
  /** Authenticated GETs for the JSON viewer. */
  viewerFetcher: ViewerFetcher;
  /** Whether each server's OAuth client was last seen enabled or waiting for an administrator. */
  clients: ClientStates;
}
