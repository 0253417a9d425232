/**
 * Hooks for the integration tests. activate() exports them only when VS Code runs the extension's tests
 * (ExtensionMode.Test), so other extensions never get them. None is a command and none returns a secret:
 * they return sign-in states, texts the user sees anyway, and the names (never the values) of secrets.
 */
import * as vscode from 'vscode';
import {
  loadClientSecrets,
  parseTokenSet,
  redactingLogger,
  sessionKey,
  tokensKey,
  type ClientSecrets,
  type TokenSet,
} from '../core';
import type { SignInState } from '../services';
import { secretStoreOf, type AuthServices } from './createServices';
import { toServerConfig } from './profileModel';
import { SettingsServerStore } from './serverStore';
import type { OpenEmrAuthenticationProvider } from './authProvider';
import type { SignInStatusBar } from './statusBar';
import { SecretStorageTokenManager } from './tokenManager';

/** Another window on the same SecretStorage: its own server store and token manager. */
export interface OtherWindow extends vscode.Disposable {
  /** Password grant (role users) through this window's token manager; its tokens land in the shared entry. */
  signIn(serverId: string, username: string, password: string): Promise<SignInState>;
  /** Signs out in this window: the logout endpoint, then the shared token entry is deleted. */
  signOut(serverId: string): Promise<void>;
}

export interface TestHooks {
  /** The token manager's cached state of a server (no I/O, no token). */
  signInState(serverId: string): SignInState;
  /** Texts of the account status bar items, one per signed-in server. */
  statusBarTexts(): string[];
  /** The sessions the `openemr` provider gives for these scopes (what getSession picks from), without their tokens. */
  authSessions(scopes?: string[]): Promise<Array<{ id: string; account: string; scopes: readonly string[] }>>;
  otherWindow(): OtherWindow;
  /** Names of the server's secrets held in SecretStorage, e.g. `clientSecret`, `privateJwk.d`, `accessToken`. */
  storedSecrets(serverId: string): Promise<string[]>;
  /** Names of the server's stored secrets that occur in `text`, and in the extension's globalState. */
  secretsFoundIn(serverId: string, text: string): Promise<{ inText: string[]; inGlobalState: string[] }>;
  /** The extension's globalState and workspaceState as JSON, as held in memory (for the secret audit). */
  stateText(): string;
}

/** The private members of an RSA JWK. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

/** Every secret value of a client and its tokens, by name. */
function secretValues(client: ClientSecrets | undefined, tokens: TokenSet | undefined): Map<string, string> {
  const jwk: Record<string, unknown> = { ...client?.privateJwk };
  const named: Array<[string, unknown]> = [
    ['clientSecret', client?.clientSecret],
    ['registrationAccessToken', client?.registrationAccessToken],
    ...PRIVATE_JWK_MEMBERS.map((m): [string, unknown] => [`privateJwk.${m}`, jwk[m]]),
    ['accessToken', tokens?.accessToken],
    ['refreshToken', tokens?.refreshToken],
    ['idToken', tokens?.idToken],
  ];
  return new Map(named.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0));
}

function otherWindow(context: vscode.ExtensionContext, services: AuthServices): OtherWindow {
  const servers = new SettingsServerStore();
  const tokens = new SecretStorageTokenManager(servers, secretStoreOf(context.secrets), redactingLogger(services.log));
  return {
    async signIn(serverId, username, password) {
      const scopes = (servers.require(serverId).scopes ?? []).filter((s) => !s.startsWith('system/'));
      const oauth = await tokens.oauth(serverId);
      return tokens.signIn(serverId, await oauth.passwordGrant({ role: 'users', username, password, scopes }));
    },
    signOut: (serverId) => tokens.signOut(serverId),
    dispose() {
      tokens.dispose();
      servers.dispose();
    },
  };
}

export function createTestHooks(
  context: vscode.ExtensionContext,
  services: AuthServices,
  statusBar: SignInStatusBar,
  provider: OpenEmrAuthenticationProvider,
): TestHooks {
  /** Read straight from SecretStorage, under the keys the token manager uses. */
  const stored = async (serverId: string): Promise<Map<string, string>> => {
    const profile = services.servers.require(serverId);
    if (!profile.clientId) return new Map();
    const key = sessionKey(toServerConfig(profile), profile.clientId);
    const secrets = secretStoreOf(context.secrets);
    return secretValues(await loadClientSecrets(secrets, key), parseTokenSet(await secrets.get(tokensKey(key))));
  };
  const found = (values: Map<string, string>, text: string): string[] =>
    [...values].filter(([, v]) => text.includes(v)).map(([name]) => name);
  return {
    signInState: (serverId) => services.tokens.state(serverId),
    statusBarTexts: () => statusBar.texts(),
    authSessions: async (scopes) =>
      (await provider.getSessions(scopes)).map((s) => ({ id: s.id, account: s.account.label, scopes: s.scopes })),
    otherWindow: () => otherWindow(context, services),
    storedSecrets: async (serverId) => [...(await stored(serverId)).keys()],
    stateText: () =>
      JSON.stringify(
        [context.globalState, context.workspaceState].map((memento) => memento.keys().map((k) => [k, memento.get(k)])),
      ),
    async secretsFoundIn(serverId, text) {
      const values = await stored(serverId);
      const globalState = JSON.stringify(context.globalState.keys().map((k) => [k, context.globalState.get(k)]));
      return { inText: found(values, text), inGlobalState: found(values, globalState) };
    },
  };
}
