/**
 * The `openemr` AuthenticationProvider: every signed-in server is a session in the Accounts menu, and other
 * extensions can call `vscode.authentication.getSession('openemr', scopes)`. A session matches when its
 * granted scopes cover the scopes asked for.
 */
import * as vscode from 'vscode';
import { scopeCovers } from '../core';
import type { ServerStore, SignInState } from '../services';
import { accountLabel } from './account';
import type { SecretStorageTokenManager } from './tokenManager';

export const AUTH_PROVIDER_ID = 'openemr';

export class OpenEmrAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** Sessions announced so far, by server id, to tell additions from changes and removals. */
  private readonly known = new Map<string, vscode.AuthenticationSession>();

  constructor(
    private readonly servers: ServerStore,
    private readonly tokens: SecretStorageTokenManager,
  ) {
    this.subscription = tokens.onDidChange((change) => void this.announce(change.state));
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const sessions: vscode.AuthenticationSession[] = [];
    for (const state of this.tokens.signedIn()) {
      const granted = state.summary?.grantedScopes ?? [];
      if (scopes?.length && !scopes.every((s) => scopeCovers(granted, s))) continue;
      const session = await this.sessionOf(state).catch(() => undefined);
      if (session) sessions.push(session);
    }
    return sessions;
  }

  /** Signs in interactively (the server is picked, the scopes are the ones asked for). */
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const result = await vscode.commands.executeCommand<{ serverId: string } | undefined>('openemr.login', {
      interactive: true,
      scopes: scopes.length ? [...scopes] : undefined,
    });
    if (!result) throw new Error('Sign-in to OpenEMR was cancelled');
    return this.sessionOf(this.tokens.state(result.serverId));
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.tokens.signOut(sessionId);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private async sessionOf(state: SignInState): Promise<vscode.AuthenticationSession> {
    const profile = this.servers.require(state.serverId);
    return {
      id: state.serverId,
      accessToken: await this.tokens.accessToken(state.serverId),
      account: {
        id: `${state.serverId}/${state.summary?.subject ?? state.account ?? ''}`,
        label: accountLabel(state.account, profile.name),
      },
      scopes: state.summary?.grantedScopes ?? [],
    };
  }

  private async announce(state: SignInState): Promise<void> {
    const before = this.known.get(state.serverId);
    if (!state.signedIn) {
      if (!before) return;
      this.known.delete(state.serverId);
      this.emitter.fire({ added: [], removed: [before], changed: [] });
      return;
    }
    const session = await this.sessionOf(state).catch(() => undefined);
    if (!session) return;
    this.known.set(state.serverId, session);
    this.emitter.fire(before ? { added: [], removed: [], changed: [session] } : { added: [session], removed: [], changed: [] });
  }
}
