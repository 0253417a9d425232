/**
 * The token manager: one HTTP client and API client per server profile, one TokenSession per registered
 * client, all persisted in SecretStorage. It refreshes ahead of expiry on its own and re-reads tokens when
 * another window changed them (secrets are shared between windows).
 */
import * as vscode from 'vscode';
import {
  clientSecretsKey,
  deleteClientSecrets,
  HttpClient,
  loadClientSecrets,
  OAuthClient,
  OpenEmrClient,
  OpenEmrError,
  sessionKey,
  storeClientSecrets,
  TokenSession,
  tokensKey,
  type ClientSecrets,
  type RedactingLogger,
  type SecretStore,
  type SessionChange,
  type TokenSet,
  type TokenSource,
} from '../core';
import type { ServerProfile, ServerStore, SignInChange, SignInState, TokenManager } from '../services';
import { accountName } from './account';
import { connectionChanged, toServerConfig } from './profileModel';

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 120_000;

interface ClientSession {
  oauth: OAuthClient;
  session: TokenSession;
}

/** Everything the manager keeps for one server profile. */
interface ServerEntry {
  profile: ServerProfile;
  http: HttpClient;
  api: OpenEmrClient;
  /** The client and session of the profile's client; undefined until a client is registered or chosen. */
  session?: Promise<ClientSession | undefined>;
  /** Secret key prefix of the client (see sessionKey). */
  key?: string;
  state: SignInState;
  timer?: ReturnType<typeof setTimeout>;
  subscriptions: vscode.Disposable[];
}

/** Whether the stored client secrets are the ones an OAuth client was built with. */
function sameClientSecrets(
  loaded: Pick<ClientSecrets, 'clientSecret' | 'privateJwk'>,
  stored: ClientSecrets | undefined,
): boolean {
  return loaded.clientSecret === stored?.clientSecret && JSON.stringify(loaded.privateJwk) === JSON.stringify(stored?.privateJwk);
}

function notSignedIn(profile: ServerProfile): OpenEmrError {
  return new OpenEmrError('not-signed-in', `Not signed in to ${profile.name}`, {
    fix: profile.clientId ? 'Run "OpenEMR: Sign In".' : 'Run "OpenEMR: Register Client", then "OpenEMR: Sign In".',
  });
}

export class SecretStorageTokenManager implements TokenManager, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SignInChange>();
  readonly onDidChange = this.emitter.event;
  private readonly entries = new Map<string, ServerEntry>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly servers: ServerStore,
    private readonly secrets: SecretStore & { onDidChange: vscode.Event<vscode.SecretStorageChangeEvent> },
    private readonly logger: RedactingLogger,
  ) {
    this.subscriptions.push(
      servers.onDidChange((change) => this.onServersChanged(change.serverId)),
      secrets.onDidChange((e) => void this.onSecretChanged(e.key)),
    );
  }

  /** The API client of a server; its token source follows sign-ins and client changes. */
  client(serverId: string): OpenEmrClient {
    return this.entry(serverId).api;
  }

  /** The HTTP client of a server (discovery, registration and other calls without a token). */
  http(serverId: string): HttpClient {
    return this.entry(serverId).http;
  }

  state(serverId: string): SignInState {
    return this.entries.get(serverId)?.state ?? { serverId, signedIn: false };
  }

  signedIn(): SignInState[] {
    return this.servers
      .list()
      .map((p) => this.state(p.id))
      .filter((s) => s.signedIn);
  }

  async load(serverId: string): Promise<SignInState> {
    const session = await this.session(serverId);
    await session?.load();
    return this.state(serverId);
  }

  /** Loads every server's tokens (at activation), so the status bar and the Accounts menu are right at once. */
  async loadAll(): Promise<void> {
    await Promise.all(
      this.servers
        .list()
        .map((p) =>
          this.load(p.id).catch((err: unknown) => this.logger.warn(`loading tokens of ${p.name} failed: ${String(err)}`)),
        ),
    );
  }

  /** The OAuth client of a server's registered client, for the grants; throws when no client is set. */
  async oauth(serverId: string): Promise<OAuthClient> {
    // Through clientSession(): a server whose tokens were never loaded has no session opened yet.
    const client = await this.clientSession(serverId);
    if (client) return client.oauth;
    throw new OpenEmrError('client-unknown', `No OAuth client is registered for ${this.servers.require(serverId).name}`, {
      fix: 'Run "OpenEMR: Register Client" (or "OpenEMR: Use Existing Client" with a client id from Administration > System > API Clients).',
    });
  }

  /** Stores the tokens of a completed grant and announces the sign-in. */
  async signIn(serverId: string, tokens: TokenSet): Promise<SignInState> {
    const session = await this.session(serverId);
    if (!session) throw notSignedIn(this.servers.require(serverId));
    await session.signedIn(tokens);
    return this.state(serverId);
  }

  async signOut(serverId: string): Promise<void> {
    const session = await this.session(serverId);
    if (!session) return;
    const result = await session.signOut();
    if (result.error)
      this.logger.warn(
        `logout on the server failed (${result.error.kind}): ${result.error.message}; the local tokens were deleted`,
      );
  }

  async accessToken(serverId: string, signal?: AbortSignal): Promise<string> {
    const session = await this.session(serverId);
    if (!session) throw notSignedIn(this.servers.require(serverId));
    return session.getAccessToken(signal);
  }

  /** Decoded claims of the current tokens (no token): for "Show Token". */
  async claims(serverId: string): Promise<{ access?: Record<string, unknown>; id?: Record<string, unknown> }> {
    const current = (await this.session(serverId))?.current;
    return { access: current?.accessClaims, id: current?.idClaims };
  }

  /** The secret half of the server's client (for the doctor and re-reading the registration). */
  async clientSecrets(serverId: string): Promise<ClientSecrets | undefined> {
    const entry = this.entry(serverId);
    await this.session(serverId);
    return entry.key ? loadClientSecrets(this.secrets, entry.key) : undefined;
  }

  /**
   * Makes `clientId` the server's client: its secrets go to SecretStorage, its id (not a secret) to the
   * profile. The previous client's secrets and tokens are deleted.
   */
  async setClient(
    serverId: string,
    client: { clientId: string; applicationType?: 'private' | 'public'; scopes?: string[] },
    secrets: ClientSecrets,
  ): Promise<void> {
    const profile = this.servers.require(serverId);
    const config = toServerConfig(profile);
    for (const s of [secrets.clientSecret, secrets.registrationAccessToken]) this.logger.addSecret(s);
    if (profile.clientId && profile.clientId !== client.clientId)
      await deleteClientSecrets(this.secrets, sessionKey(config, profile.clientId));
    await storeClientSecrets(this.secrets, sessionKey(config, client.clientId), secrets);
    await this.servers.update(serverId, {
      clientId: client.clientId,
      applicationType: client.applicationType,
      scopes: client.scopes,
    });
    // The update above rebuilt the entry (the client id changed) unless the id stayed the same: force it.
    this.rebuild(serverId);
  }

  /** Forgets everything secret about a server (its profile is removed by the caller). */
  async forget(profile: ServerProfile): Promise<void> {
    if (profile.clientId) await deleteClientSecrets(this.secrets, sessionKey(toServerConfig(profile), profile.clientId));
  }

  dispose(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }

  private entry(serverId: string): ServerEntry {
    const existing = this.entries.get(serverId);
    if (existing) return existing;
    const profile = this.servers.require(serverId);
    const http = new HttpClient(toServerConfig(profile), this.logger);
    const source: TokenSource = {
      getAccessToken: async (signal) => {
        const session = await this.session(serverId);
        if (!session) throw notSignedIn(profile);
        return session.getAccessToken(signal);
      },
      renewAfterRejection: async (rejected, signal) => (await this.session(serverId))?.renewAfterRejection(rejected, signal),
      grantedScopes: () => this.entries.get(serverId)?.state.summary?.grantedScopes,
    };
    const entry: ServerEntry = {
      profile,
      http,
      api: new OpenEmrClient({ http, tokens: source }),
      state: { serverId, signedIn: false },
      subscriptions: [],
    };
    this.entries.set(serverId, entry);
    return entry;
  }

  private clientSession(serverId: string): Promise<ClientSession | undefined> {
    const entry = this.entry(serverId);
    entry.session ??= this.openSession(entry);
    return entry.session;
  }

  private async session(serverId: string): Promise<TokenSession | undefined> {
    return (await this.clientSession(serverId))?.session;
  }

  private async openSession(entry: ServerEntry): Promise<ClientSession | undefined> {
    const { profile } = entry;
    if (!profile.clientId) return undefined;
    const key = sessionKey(entry.http.server, profile.clientId);
    entry.key = key;
    const secrets = await loadClientSecrets(this.secrets, key);
    const oauth = new OAuthClient(entry.http, {
      clientId: profile.clientId,
      clientSecret: secrets?.clientSecret,
      privateJwk: secrets?.privateJwk,
    });
    const session: TokenSession = new TokenSession({
      oauth,
      secrets: this.secrets,
      key: tokensKey(key),
      skewMs: 60_000,
      // Backend-service tokens have no refresh token: the grant is simply run again with the same scopes.
      reacquire: async (signal) => {
        const current = session.current;
        if (current?.grant === 'client_credentials') return oauth.clientCredentials(current.requestedScopes, signal);
        throw new OpenEmrError('token-expired', 'The access token expired and there is no refresh token', {
          fix: 'Sign in again; ask for "offline_access" to get a refresh token.',
        });
      },
    });
    entry.subscriptions.push(session.onDidChange((change) => this.onSessionChanged(entry, change, session)));
    return { oauth, session };
  }

  /** The state follows what the session holds now (a dead refresh token has already cleared it). */
  private onSessionChanged(entry: ServerEntry, change: SessionChange, session: TokenSession): void {
    const summary = session.summary();
    const next: SignInState = summary
      ? { serverId: entry.profile.id, signedIn: true, summary, account: accountName(summary, session.current?.idClaims) }
      : { serverId: entry.profile.id, signedIn: false };
    entry.state = next;
    this.schedule(entry);
    this.logger.info(`${entry.profile.name}: ${change.reason}${change.error ? ` (${change.error.kind})` : ''}`);
    this.emitter.fire({ serverId: entry.profile.id, reason: change.reason, state: next });
  }

  /** Refreshes on its own shortly before expiry when that is possible (a refresh token is held). */
  private schedule(entry: ServerEntry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const summary = entry.state.summary;
    if (!entry.state.signedIn || !summary?.hasRefreshToken) return;
    const delay = Math.max(5_000, summary.expiresAt - Date.now() - REFRESH_AHEAD_MS);
    // setTimeout overflows above ~24.8 days; tokens live an hour, so this only guards corrupt data.
    entry.timer = setTimeout(
      () => {
        void this.session(entry.profile.id)
          .then((s) => s?.refresh())
          .catch((err: unknown) =>
            this.logger.warn(
              `background refresh of ${entry.profile.name} failed: ${err instanceof Error ? err.message : String(err)}`,
            ),
          );
      },
      Math.min(delay, 2 ** 31 - 1),
    );
  }

  /**
   * Another window (or this one) changed a secret. VS Code reports this window's own writes too, so a client
   * entry that still matches the loaded client is left alone: rebuilding would close the HTTP client that a
   * running command is using. A snapshot is iterated because rebuilding adds entries to the map.
   */
  private async onSecretChanged(key: string): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      if (!entry.key || (key !== tokensKey(entry.key) && key !== clientSecretsKey(entry.key))) continue;
      const client = await entry.session;
      if (this.entries.get(entry.profile.id) !== entry) continue;
      if (key === clientSecretsKey(entry.key)) {
        if (!client || !sameClientSecrets(client.oauth.client, await loadClientSecrets(this.secrets, entry.key)))
          this.rebuild(entry.profile.id);
        continue;
      }
      await client?.session.load(true);
      // load() announces tokens it found; a deleted entry has to be announced here.
      if (client && !client.session.current && entry.state.signedIn)
        this.onSessionChanged(entry, { reason: 'signed-out' }, client.session);
    }
  }

  private onServersChanged(serverId: string): void {
    const entry = this.entries.get(serverId);
    if (!entry) return;
    const profile = this.servers.get(serverId);
    if (!profile) {
      this.drop(serverId);
      if (entry.state.signedIn) this.emitter.fire({ serverId, reason: 'signed-out', state: { serverId, signedIn: false } });
    } else if (connectionChanged(entry.profile, profile)) {
      this.rebuild(serverId);
    } else {
      entry.profile = profile;
    }
  }

  /** Drops the cached clients of a server and loads them again from its (changed) profile. */
  private rebuild(serverId: string): void {
    const wasSignedIn = this.entries.get(serverId)?.state.signedIn ?? false;
    this.drop(serverId);
    if (!this.servers.get(serverId)) return;
    void this.load(serverId).then(
      (state) => {
        if (wasSignedIn && !state.signedIn) this.emitter.fire({ serverId, reason: 'signed-out', state });
      },
      (err: unknown) => this.logger.warn(`reloading ${serverId} failed: ${String(err)}`),
    );
  }

  private drop(serverId: string): void {
    const entry = this.entries.get(serverId);
    if (!entry) return;
    this.entries.delete(serverId);
    if (entry.timer) clearTimeout(entry.timer);
    for (const s of entry.subscriptions) s.dispose();
    void entry.session?.then((s) => s?.session.dispose());
    entry.http.dispose();
  }
}
