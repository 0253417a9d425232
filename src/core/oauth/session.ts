/**
 * The token lifecycle of one server + client: persisted through a SecretStore, refreshed ahead of expiry
 * (with skew), single-flight refresh, a change event, sign-out. The editor layer wraps one per sign-in.
 */
import { Emitter, type Event } from '../events';
import { OpenEmrError } from '../errors';
import type { SecretStore } from '../secrets';
import type { OAuthClient } from './grants';
import { isExpired, parseTokenSet, serializeTokenSet, summarizeTokens, type TokenSet, type TokenSummary } from './tokens';

/** What OpenEmrClient needs from whoever holds the tokens. */
export interface TokenSource {
  /** A valid access token, refreshed first when (nearly) expired. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Called after the server rejected `rejected`; returns a new token, or undefined when none can be had. */
  renewAfterRejection?(rejected: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Scopes of the current token, to explain permission errors. */
  grantedScopes?(): readonly string[] | undefined;
}

/** A fixed token (for a pasted token or tests); it cannot be renewed. */
export function staticTokenSource(accessToken: string, scopes?: string[]): TokenSource {
  return { getAccessToken: async () => accessToken, grantedScopes: () => scopes };
}

export type SessionChangeReason = 'signed-in' | 'refreshed' | 'signed-out' | 'loaded' | 'refresh-failed';

export interface SessionChange {
  reason: SessionChangeReason;
  /** No token in here: safe to log and to hand to UI code. */
  summary?: TokenSummary;
  error?: OpenEmrError;
}

export interface TokenSessionOptions {
  oauth: OAuthClient;
  secrets: SecretStore;
  /** SecretStore key for this session's tokens, e.g. `${sessionKey(server, clientId)}/tokens`. */
  key: string;
  /** Refresh this long before expiry; default 60 s. */
  skewMs?: number;
  /** Get new tokens without a refresh token (client_credentials re-runs its grant). */
  reacquire?: (signal?: AbortSignal) => Promise<TokenSet>;
  now?: () => number;
}

/** Lets a caller stop waiting for `promise` (which keeps running for the others). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = (): OpenEmrError => new OpenEmrError('cancelled', 'Waiting for the token refresh was cancelled');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class TokenSession implements TokenSource {
  private tokens: TokenSet | undefined;
  private loaded = false;
  private inflight: Promise<TokenSet> | undefined;
  private readonly changes = new Emitter<SessionChange>();
  readonly onDidChange: Event<SessionChange> = this.changes.event;
  private readonly skewMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: TokenSessionOptions) {
    this.skewMs = opts.skewMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get current(): TokenSet | undefined {
    return this.tokens;
  }

  summary(): TokenSummary | undefined {
    return this.tokens && summarizeTokens(this.tokens);
  }

  grantedScopes(): readonly string[] | undefined {
    return this.tokens?.grantedScopes;
  }

  /** Reads persisted tokens (once); other windows may have refreshed them, so `force` re-reads. */
  async load(force = false): Promise<TokenSet | undefined> {
    if (this.loaded && !force) return this.tokens;
    this.tokens = parseTokenSet(await this.opts.secrets.get(this.opts.key));
    this.loaded = true;
    this.registerSecrets(this.tokens);
    if (this.tokens) this.changes.fire({ reason: 'loaded', summary: summarizeTokens(this.tokens) });
    return this.tokens;
  }

  /** Stores tokens from a grant and announces the sign-in. */
  async signedIn(tokens: TokenSet): Promise<void> {
    await this.persist(tokens);
    this.changes.fire({ reason: 'signed-in', summary: summarizeTokens(tokens) });
  }

  async getAccessToken(signal?: AbortSignal): Promise<string> {
    const tokens = await this.load();
    if (!tokens) throw new OpenEmrError('not-signed-in', 'Not signed in to this server');
    if (!isExpired(tokens, this.skewMs, this.now())) return tokens.accessToken;
    return (await this.refresh(signal)).accessToken;
  }

  async renewAfterRejection(rejected: string, signal?: AbortSignal): Promise<string | undefined> {
    const tokens = await this.load();
    if (!tokens) return undefined;
    // Another caller already renewed it: use that token instead of refreshing again.
    if (tokens.accessToken !== rejected) return tokens.accessToken;
    if (!tokens.refreshToken && !this.opts.reacquire) return undefined;
    return (await this.refresh(signal)).accessToken;
  }

  /**
   * Single flight: concurrent callers share one refresh request. The rotated refresh token is persisted
   * before anyone gets the new access token, because the old one is already dead on the server.
   */
  refresh(signal?: AbortSignal): Promise<TokenSet> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
    return signal ? abortable(this.inflight, signal) : this.inflight;
  }

  /**
   * Not cancellable by a caller: once the server has the refresh request it may have rotated the token, and
   * only finishing (and persisting the answer) keeps the new one. The HTTP time-out still bounds it.
   */
  private async doRefresh(): Promise<TokenSet> {
    const tokens = await this.load();
    if (!tokens) throw new OpenEmrError('not-signed-in', 'Not signed in to this server');
    try {
      let next: TokenSet;
      if (tokens.refreshToken) {
        next = await this.opts.oauth.refresh(tokens.refreshToken, tokens);
        next = { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken };
        // Persist the rotated refresh token first (the old one is dead now), then check the new id token.
        await this.persist(next);
        const verified = await this.opts.oauth.withVerifiedIdToken(next, tokens);
        if (verified !== next) await this.persist((next = verified));
      } else if (this.opts.reacquire) {
        next = await this.opts.reacquire();
        await this.persist(next);
      } else {
        throw new OpenEmrError('token-expired', 'The access token expired and there is no refresh token', {
          fix: 'Sign in again; request "offline_access" to get a refresh token.',
        });
      }
      this.changes.fire({ reason: 'refreshed', summary: summarizeTokens(next) });
      return next;
    } catch (err) {
      const error =
        err instanceof OpenEmrError ? err : new OpenEmrError('unexpected', 'Refreshing the token failed', { cause: err });
      if (['invalid-grant', 'token-revoked', 'client-disabled', 'client-unknown'].includes(error.kind)) {
        // The refresh token is dead: forget the tokens so the UI asks for a new sign-in.
        await this.clear();
      }
      this.changes.fire({ reason: 'refresh-failed', error });
      throw error;
    }
  }

  /** Logs out on the server when an id token is held (best effort), then forgets the tokens. */
  async signOut(signal?: AbortSignal): Promise<{ serverLogout: boolean; error?: OpenEmrError }> {
    const tokens = await this.load();
    let serverLogout = false;
    let error: OpenEmrError | undefined;
    if (tokens?.idToken) {
      try {
        await this.opts.oauth.logout(tokens.idToken, { signal });
        serverLogout = true;
      } catch (err) {
        error = err instanceof OpenEmrError ? err : new OpenEmrError('unexpected', 'Logout failed', { cause: err });
      }
    }
    await this.clear();
    this.changes.fire({ reason: 'signed-out', error });
    return { serverLogout, error };
  }

  dispose(): void {
    this.changes.dispose();
  }

  private async persist(tokens: TokenSet): Promise<void> {
    this.registerSecrets(tokens);
    await this.opts.secrets.store(this.opts.key, serializeTokenSet(tokens));
    this.tokens = tokens;
    this.loaded = true;
  }

  private async clear(): Promise<void> {
    this.tokens = undefined;
    this.loaded = true;
    await this.opts.secrets.delete(this.opts.key);
  }

  private registerSecrets(tokens: TokenSet | undefined): void {
    for (const s of [tokens?.accessToken, tokens?.refreshToken, tokens?.idToken]) this.opts.oauth.http.logger.addSecret(s);
  }
}
