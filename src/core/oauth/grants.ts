/**
 * The OAuth2 grants OpenEMR offers (facts §3), over the HttpClient seam: password, authorization code with
 * PKCE S256 + state + nonce, refresh with rotation, client_credentials with an RS384 assertion, logout and
 * introspection.
 */
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { DEFAULT_REDIRECT_PORT, serverUrls } from '../config';
import { OpenEmrError } from '../errors';
import { isFailure, type HttpClient } from '../http/client';
import { classifyResponse } from '../api/classify';
import { joinScopes, splitScopes } from '../catalog/scopes';
import { CLIENT_ASSERTION_TYPE, createClientAssertion, type JsonWebKeySet } from './keys';
import { listenForRedirect } from './loopback';
import { createPkce, randomToken, type Pkce } from './pkce';
import type { TokenEndpointAuthMethod } from './registration';
import { tokenSetFromResponse, type GrantType, type TokenSet } from './tokens';

/** Signature algorithms accepted on id tokens: asymmetric only (OpenEMR signs with RS256). */
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** How this client authenticates at the token endpoint. Secrets come from the SecretStore. */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  /** Private key for private_key_jwt / client_credentials. */
  privateJwk?: JWK;
  /** Default: private_key_jwt with a key, client_secret_post with a secret, else none (public). */
  authMethod?: TokenEndpointAuthMethod;
}

export interface PasswordGrantOptions {
  role: 'users' | 'patient';
  username: string;
  password: string;
  /** Required for patients. */
  email?: string;
  /** TOTP code (users only). */
  mfaToken?: string;
  scopes: string[];
  signal?: AbortSignal;
}

export type Audience = 'fhir' | 'api' | 'portal';

export interface AuthorizationRequestOptions {
  scopes: string[];
  redirectUri: string;
  /** Which API the token is for; default fhir. */
  aud?: Audience | string;
  /** EHR launch id. */
  launch?: string;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  pkce: Pkce;
  redirectUri: string;
  scopes: string[];
}

export interface AuthorizationCodeOptions {
  scopes: string[];
  /**
   * Opens the authorize URL in a browser (vscode.env.openExternal in the editor). `startUri` is the
   * listener's own address that redirects to `url`, for windows that rewrite localhost addresses.
   */
  openBrowser: (url: string, startUri: string) => void | Promise<unknown>;
  aud?: Audience | string;
  launch?: string;
  /** Defaults to the profile's redirectPort; 0 picks a free port (tests only). */
  redirectPort?: number;
  signal?: AbortSignal;
  /** How long to wait for the browser; default 5 minutes. */
  timeoutMs?: number;
}

export interface LogoutOptions {
  postLogoutRedirectUri?: string;
  state?: string;
  signal?: AbortSignal;
}

export interface IntrospectionResult {
  active: boolean;
  scopes: string[];
  clientId?: string;
  subject?: string;
  /** Epoch ms. */
  expiresAt?: number;
  tokenType?: string;
}

export class OAuthClient {
  constructor(
    readonly http: HttpClient,
    readonly client: ClientCredentials,
  ) {
    http.logger.addSecret(client.clientSecret);
  }

  private get urls() {
    return serverUrls(this.http.server);
  }

  private authMethod(): TokenEndpointAuthMethod {
    return (
      this.client.authMethod ??
      (this.client.privateJwk ? 'private_key_jwt' : this.client.clientSecret ? 'client_secret_post' : 'none')
    );
  }

  /** Client authentication fields and headers for the token, introspection endpoints. */
  private async clientAuth(
    audience: string,
    method = this.authMethod(),
  ): Promise<{ form: Record<string, string>; headers: Record<string, string> }> {
    const { clientId, clientSecret, privateJwk } = this.client;
    if (method === 'private_key_jwt') {
      if (!privateJwk)
        throw new OpenEmrError('invalid-request', 'private_key_jwt needs the client private key', {
          fix: 'Register the client again with a generated key pair.',
        });
      const assertion = await createClientAssertion(privateJwk, clientId, audience);
      return {
        form: { client_id: clientId, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
        headers: {},
      };
    }
    if (method === 'client_secret_basic' && clientSecret) {
      const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
      return { form: { client_id: clientId }, headers: { Authorization: `Basic ${basic}` } };
    }
    if (method === 'client_secret_post' && clientSecret)
      return { form: { client_id: clientId, client_secret: clientSecret }, headers: {} };
    return { form: { client_id: clientId }, headers: {} };
  }

  private async tokenRequest(
    grant: GrantType,
    fields: Record<string, string | undefined>,
    requested: string[],
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    const token = this.urls.token;
    // client_credentials always authenticates with an assertion, whatever the registered method (7.0.3 too).
    const auth = await this.clientAuth(token, grant === 'client_credentials' ? 'private_key_jwt' : undefined);
    const res = await this.http.send({
      method: 'POST',
      url: token,
      form: { grant_type: grant, ...fields, ...auth.form },
      headers: auth.headers,
      carriesSecret: true,
      signal,
    });
    if (isFailure(res)) throw classifyResponse(res, { endpoint: 'token', grant });
    if (!res.isJson) throw new OpenEmrError('non-json', `POST ${res.url} -> ${res.status} (not JSON)`, { status: res.status });
    const tokens = tokenSetFromResponse(res.json, requested, grant);
    for (const secret of [tokens.accessToken, tokens.refreshToken, tokens.idToken]) this.http.logger.addSecret(secret);
    return tokens;
  }

  async passwordGrant(opts: PasswordGrantOptions): Promise<TokenSet> {
    if (opts.role === 'patient' && !opts.email) {
      throw new OpenEmrError('invalid-request', 'A patient password sign-in needs the email address', {
        fix: 'Provide the patient email.',
      });
    }
    this.http.logger.addSecret(opts.password);
    const scopes = splitScopes(opts.scopes);
    const tokens = await this.tokenRequest(
      'password',
      {
        user_role: opts.role,
        username: opts.username,
        password: opts.password,
        email: opts.email,
        mfa_token: opts.mfaToken,
        scope: joinScopes(scopes),
      },
      scopes,
      opts.signal,
    );
    if (tokens.idToken) await this.verifyIdToken(tokens.idToken, undefined, opts.signal);
    return tokens;
  }

  audienceUrl(aud: Audience | string | undefined): string {
    const urls = this.urls;
    if (aud === undefined || aud === 'fhir') return urls.fhir;
    if (aud === 'api') return urls.api;
    if (aud === 'portal') return urls.portal;
    return aud;
  }

  /** The authorize URL with fresh state, nonce and PKCE (S256). */
  buildAuthorizationRequest(opts: AuthorizationRequestOptions): AuthorizationRequest {
    const pkce = createPkce();
    const state = randomToken(16);
    const nonce = randomToken(16);
    const scopes = splitScopes(opts.scopes);
    const url = new URL(this.urls.authorize);
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: this.client.clientId,
      redirect_uri: opts.redirectUri,
      scope: joinScopes(scopes),
      state,
      nonce,
      aud: this.audienceUrl(opts.aud),
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
      launch: opts.launch,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return { url: url.toString(), state, nonce, pkce, redirectUri: opts.redirectUri, scopes };
  }

  /** Checks the redirect query (state, error, code) and exchanges the code. */
  async completeAuthorization(request: AuthorizationRequest, query: URLSearchParams, signal?: AbortSignal): Promise<TokenSet> {
    if (query.get('state') !== request.state) {
      throw new OpenEmrError(
        'authorization-failed',
        'The sign-in redirect carried a wrong state (possible forgery); nothing was exchanged',
      );
    }
    const error = query.get('error');
    if (error) {
      const description = query.get('error_description') ?? query.get('message') ?? '';
      const hint = query.get('hint') ?? '';
      const kind =
        error === 'access_denied' ? 'authorization-denied' : error === 'invalid_scope' ? 'invalid-scope' : 'authorization-failed';
      const said = [description, hint && `hint: ${hint}`].filter(Boolean).join(' ');
      throw new OpenEmrError(kind, `Authorization failed: ${error}${said ? `: ${said}` : ''}`, {
        serverError: error,
        serverMessage: said || undefined,
        ...(kind === 'authorization-failed'
          ? {
              explanation: 'OpenEMR refused the authorization request; its own words are quoted above.',
              fix: 'Correct what the server names (an `aud` hint means the Site Address in Administration > Config > Connectors must be the address you use), or sign in with a username and password.',
            }
          : {}),
      });
    }
    const code = query.get('code');
    if (!code) throw new OpenEmrError('authorization-failed', 'The sign-in redirect carried no code');
    this.http.logger.addSecret(code);
    const tokens = await this.tokenRequest(
      'authorization_code',
      { code, redirect_uri: request.redirectUri, code_verifier: request.pkce.verifier },
      request.scopes,
      signal,
    );
    if (tokens.idToken) await this.verifyIdToken(tokens.idToken, request.nonce, signal);
    return tokens;
  }

  /**
   * The issuer id tokens must carry: the one the server's OpenID configuration states (OpenEMR builds it from
   * its Site Address, which may differ from the URL used), else the OAuth2 base of the configured URL.
   */
  private async expectedIssuer(signal?: AbortSignal): Promise<string> {
    const res = await this.http.send({ method: 'GET', url: this.urls.oidcConfiguration, signal });
    const issuer =
      !isFailure(res) && res.json && typeof res.json === 'object' ? (res.json as { issuer?: unknown }).issuer : undefined;
    return typeof issuer === 'string' && issuer ? issuer : this.urls.oauth2;
  }

  /**
   * Verifies the id token: signature against the JWKS of the configured server (never a URL a discovery
   * document points to), an asymmetric algorithm (so `alg: none` fails), issuer, audience and the nonce we sent.
   */
  async verifyIdToken(idToken: string, nonce: string | undefined, signal?: AbortSignal): Promise<void> {
    const [res, issuer] = await Promise.all([
      this.http.send({ method: 'GET', url: this.urls.jwks, signal }),
      this.expectedIssuer(signal),
    ]);
    if (isFailure(res) || !res.isJson) throw classifyResponse(res, { endpoint: 'discovery' });
    try {
      const { payload } = await jwtVerify(idToken, createLocalJWKSet(res.json as JsonWebKeySet), {
        audience: this.client.clientId,
        issuer,
        algorithms: ID_TOKEN_ALGORITHMS,
        clockTolerance: 300,
      });
      if (nonce !== undefined && payload.nonce !== nonce) throw new Error('nonce mismatch');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new OpenEmrError('authorization-failed', `The id token failed verification (${why})`, { cause: err });
    }
  }

  /** The whole browser flow: listener on 127.0.0.1, open the browser, wait for the redirect, exchange. */
  async authorizationCode(opts: AuthorizationCodeOptions): Promise<TokenSet> {
    const listener = await listenForRedirect({
      port: opts.redirectPort ?? this.http.server.redirectPort ?? DEFAULT_REDIRECT_PORT,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    try {
      const request = this.buildAuthorizationRequest({
        scopes: opts.scopes,
        redirectUri: listener.redirectUri,
        aud: opts.aud,
        launch: opts.launch,
      });
      listener.startAt(request.url);
      // The tab that brings the redirect waits for the outcome, so a browser that resolves only once its
      // page loaded (tests drive it over HTTP) must not be awaited before the redirect: only its failure counts.
      const browserFailed = Promise.resolve(opts.openBrowser(request.url, listener.startUri)).then(
        () => new Promise<never>(() => undefined),
      );
      const query = await Promise.race([listener.result, browserFailed]);
      try {
        const tokens = await this.completeAuthorization(request, query, opts.signal);
        listener.finish({ ok: true });
        return tokens;
      } catch (err) {
        listener.finish({ ok: false, message: err instanceof OpenEmrError ? `${err.message}. ${err.explanation}` : String(err) });
        throw err;
      }
    } finally {
      listener.close();
    }
  }

  /**
   * Refresh with rotation: the answer holds a new refresh token and the old one is dead. Keeps the original
   * grant and requested scopes; `scopes` (exact identifiers of the original grant) narrows the request.
   */
  async refresh(
    refreshToken: string,
    previous?: Pick<TokenSet, 'grant' | 'requestedScopes'>,
    scopes?: string[],
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    this.http.logger.addSecret(refreshToken);
    const requested = scopes ? splitScopes(scopes) : (previous?.requestedScopes ?? []);
    const tokens = await this.tokenRequest(
      'refresh_token',
      { refresh_token: refreshToken, scope: scopes ? joinScopes(scopes) : undefined },
      requested,
      signal,
    );
    return { ...tokens, grant: previous?.grant ?? 'refresh_token' };
  }

  /**
   * The tokens of a refresh with their id token verified, or with the previous one (verified at sign-in)
   * when the new one fails. Called after the refreshed tokens are persisted: the new refresh token is the
   * only live one, so no check may stand between its arrival and its storage.
   */
  async withVerifiedIdToken(refreshed: TokenSet, previous: Pick<TokenSet, 'idToken' | 'idClaims'>): Promise<TokenSet> {
    if (!refreshed.idToken || refreshed.idToken === previous.idToken) return refreshed;
    try {
      await this.verifyIdToken(refreshed.idToken, undefined);
      return refreshed;
    } catch (err) {
      this.http.logger.warn(`refresh: the new id token was not kept (${err instanceof Error ? err.message : String(err)})`);
      return { ...refreshed, idToken: previous.idToken, idClaims: previous.idClaims };
    }
  }

  /** Backend services: client_credentials with an RS384 client assertion. No refresh token is issued. */
  async clientCredentials(scopes: string[], signal?: AbortSignal): Promise<TokenSet> {
    if (!this.client.privateJwk) {
      throw new OpenEmrError('invalid-request', 'client_credentials needs the client private key', {
        fix: 'Register a confidential client with a generated key pair (jwks).',
      });
    }
    const requested = splitScopes(scopes);
    return this.tokenRequest('client_credentials', { scope: joinScopes(requested) }, requested, signal);
  }

  /** Ends the server-side session: tokens of that user stop working. */
  async logout(idToken: string, opts: LogoutOptions = {}): Promise<void> {
    const url = new URL(this.urls.logout);
    url.searchParams.set('id_token_hint', idToken);
    if (opts.postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', opts.postLogoutRedirectUri);
    if (opts.state) url.searchParams.set('state', opts.state);
    const res = await this.http.send({
      method: 'GET',
      url: url.toString(),
      carriesSecret: true,
      signal: opts.signal,
      headers: { Accept: 'text/plain,text/html,application/json' },
    });
    if (res.status < 400) return; // 200 text ("You have been signed out. Thank you.") or a redirect
    const error = classifyResponse(res, { endpoint: 'logout' });
    // 8.x answers a logout of an ended session 401 {"message":"You are currently not signed in."} (7.0.3: 200 text).
    if (/currently not signed in/i.test(error.serverMessage ?? '')) return;
    throw error;
  }

  async introspect(
    token: string,
    hint: 'access_token' | 'refresh_token' = 'access_token',
    signal?: AbortSignal,
  ): Promise<IntrospectionResult> {
    const url = this.urls.introspect;
    const auth = await this.clientAuth(url);
    const res = await this.http.send({
      method: 'POST',
      url,
      form: { token, token_type_hint: hint, ...auth.form },
      headers: auth.headers,
      carriesSecret: true,
      signal,
    });
    if (isFailure(res)) throw classifyResponse(res, { endpoint: 'introspect' });
    const o = (res.json && typeof res.json === 'object' ? res.json : {}) as Record<string, unknown>;
    return {
      active: o.active === true,
      scopes: splitScopes(typeof o.scope === 'string' ? o.scope : undefined),
      clientId: typeof o.client_id === 'string' ? o.client_id : undefined,
      subject: typeof o.sub === 'string' ? o.sub : undefined,
      expiresAt: typeof o.exp === 'number' ? o.exp * 1000 : undefined,
      tokenType: typeof o.token_type === 'string' ? o.token_type : undefined,
    };
  }
}
