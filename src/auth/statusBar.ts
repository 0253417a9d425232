/** One status bar item per signed-in server ("OpenEMR: admin@clinic, 52 min"); a click opens its account menu. */
import * as vscode from 'vscode';
import type { ServerStore, TokenManager } from '../services';
import { accountLabel, timeLeft } from './account';

const TICK_MS = 30_000;

export class SignInStatusBar implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly servers: ServerStore,
    private readonly tokens: TokenManager,
  ) {
    this.subscriptions.push(
      tokens.onDidChange(() => this.update()),
      servers.onDidChange(() => this.update()),
    );
    // The minutes left change on their own.
    this.timer = setInterval(() => this.update(), TICK_MS);
    this.update();
  }

  update(): void {
    const signedIn = new Set<string>();
    for (const state of this.tokens.signedIn()) {
      const profile = this.servers.get(state.serverId);
      if (!profile || !state.summary) continue;
      signedIn.add(state.serverId);
      let item = this.items.get(state.serverId);
      if (!item) {
        item = vscode.window.createStatusBarItem(`openemr.account.${state.serverId}`, vscode.StatusBarAlignment.Left, 10);
        item.name = 'OpenEMR account';
        item.command = {
          title: 'OpenEMR account',
          command: 'openemr.accountMenu',
          arguments: [{ serverId: state.serverId, interactive: true }],
        };
        this.items.set(state.serverId, item);
      }
      const label = accountLabel(state.account, profile.name);
      item.text = `$(account) OpenEMR: ${label}, ${timeLeft(state.summary.expiresAt)}`;
      item.tooltip = `Signed in to ${profile.baseUrl} (${state.summary.grant}); the token is refreshed on its own${state.summary.hasRefreshToken ? '' : ' when possible (no refresh token held)'}. Click for the account menu.`;
      item.show();
    }
    for (const [id, item] of this.items) {
      if (signedIn.has(id)) continue;
      item.dispose();
      this.items.delete(id);
    }
  }

  /** The texts shown now, one per signed-in server (for the integration tests; no secret). */
  texts(): string[] {
    return [...this.items.values()].map((item) => item.text);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    for (const item of this.items.values()) item.dispose();
    this.items.clear();
  }
}
