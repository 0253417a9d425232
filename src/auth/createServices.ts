/** Builds the Services object once in activate(): profile store, token manager, API clients, viewer fetcher. */
import * as vscode from 'vscode';
import { redactingLogger } from '../core';
import { ClientStates } from '../doctor/clientStates';
import type { Services } from '../services';
import { BrowserOpener } from './browser';
import { SettingsServerStore } from './serverStore';
import { SecretStorageTokenManager } from './tokenManager';
import { createViewerFetcher } from './viewerFetcher';

/** Services plus what only the sign-in layer uses (the concrete classes). */
export interface AuthServices extends Services {
  servers: SettingsServerStore;
  tokens: SecretStorageTokenManager;
  browser: BrowserOpener;
}

/** `context.secrets` with Promise results, as the core's SecretStore expects (VS Code returns Thenables). */
export function secretStoreOf(secrets: vscode.SecretStorage) {
  return {
    get: async (key: string) => secrets.get(key),
    store: async (key: string, value: string) => secrets.store(key, value),
    delete: async (key: string) => secrets.delete(key),
    onDidChange: secrets.onDidChange,
  };
}

export function createServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): AuthServices {
  // One redacting logger for every server, so a secret learned by one HTTP client is masked everywhere.
  const logger = redactingLogger(log);
  const servers = new SettingsServerStore();
  const tokens = new SecretStorageTokenManager(servers, secretStoreOf(context.secrets), logger);
  const clients = new ClientStates();
  context.subscriptions.push(tokens, servers, clients);
  const client = (serverId: string) => tokens.client(serverId);
  return { log, servers, tokens, client, viewerFetcher: createViewerFetcher(client), browser: new BrowserOpener(), clients };
}
