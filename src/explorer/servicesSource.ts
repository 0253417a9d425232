/** Adapts the extension's Services (profiles, token manager, clients) to the explorer's narrow ExplorerSource. */
import type * as vscode from 'vscode';
import { Emitter } from '../core';
import type { Services } from '../services';
import type { ExplorerSource, ServerState } from './source';

export function sourceFromServices(services: Services): ExplorerSource & vscode.Disposable {
  const changes = new Emitter<{ serverId?: string }>();
  /**
   * Servers whose refresh token died (the failed refresh cleared the tokens): shown in the error state until
   * the next sign-in. A refresh that failed for a passing reason (a 500, the network) keeps the tokens and
   * the tree: the next request tries again.
   */
  const failed = new Map<string, string>();
  const subscriptions = [
    services.servers.onDidChange((change) => changes.fire({ serverId: change.serverId })),
    services.clients.onDidChange((change) => changes.fire({ serverId: change.serverId })),
    services.tokens.onDidChange((change) => {
      if (change.reason === 'refresh-failed' && !change.state.signedIn)
        failed.set(change.serverId, 'The token could not be refreshed: sign in again.');
      else if (change.reason !== 'refresh-failed') failed.delete(change.serverId);
      changes.fire({ serverId: change.serverId });
    }),
  ];
  const state = (serverId: string): ServerState => {
    const s = services.tokens.state(serverId);
    const error = failed.get(serverId);
    return {
      status: error ? 'error' : s.signedIn ? 'signed-in' : 'signed-out',
      account: s.account,
      scopes: s.summary?.grantedScopes ?? [],
      patient: s.summary?.context.patient,
      error,
      client: services.clients.get(serverId, services.servers.get(serverId)?.clientId),
    };
  };
  return {
    servers: () =>
      services.servers.list().map((p) => ({ id: p.id, name: p.name, baseUrl: p.baseUrl, site: p.site, apis: p.apis })),
    state,
    client: (serverId) => (services.tokens.state(serverId).signedIn ? services.client(serverId) : undefined),
    onDidChange: changes.event,
    dispose: () => {
      for (const s of subscriptions) s.dispose();
      changes.dispose();
    },
  };
}
