/** Wires the pieces for one server + client: HTTP seam, OAuth client, token session and API client. */
import { sessionKey, type ServerConfig } from './config';
import type { Logger } from './log';
import type { SecretStore } from './secrets';
import { HttpClient } from './http/client';
import { OAuthClient, type ClientCredentials } from './oauth/grants';
import { TokenSession } from './oauth/session';
import { tokensKey } from './oauth/client-secrets';
import { OpenEmrClient } from './api/client';

export interface ConnectionOptions {
  server: ServerConfig;
  client: ClientCredentials;
  secrets: SecretStore;
  logger?: Logger;
  /** Refresh this long before expiry (default 60 s). */
  skewMs?: number;
  /** For backend services: re-run client_credentials with these scopes when the token expires. */
  clientCredentialsScopes?: string[];
}

export interface Connection {
  /** `sessionKey(server, clientId)`: prefix of this connection's secrets. */
  key: string;
  http: HttpClient;
  oauth: OAuthClient;
  session: TokenSession;
  api: OpenEmrClient;
  dispose(): void;
}

export function createConnection(opts: ConnectionOptions): Connection {
  const key = sessionKey(opts.server, opts.client.clientId);
  const http = new HttpClient(opts.server, opts.logger);
  const oauth = new OAuthClient(http, opts.client);
  const ccScopes = opts.clientCredentialsScopes;
  const session = new TokenSession({
    oauth,
    secrets: opts.secrets,
    key: tokensKey(key),
    skewMs: opts.skewMs,
    reacquire: ccScopes ? (signal) => oauth.clientCredentials(ccScopes, signal) : undefined,
  });
  const api = new OpenEmrClient({ http, tokens: session });
  return {
    key,
    http,
    oauth,
    session,
    api,
    dispose() {
      session.dispose();
      http.dispose();
    },
  };
}
