/**
 * Signing in and out: OpenEMR: Sign In (password, authorization code in the system browser, client
 * credentials), Sign Out, Show Token (claims, scopes, expiry; never the token), Copy Access Token (after a
 * warning) and the account menu of the status bar. Passwords are asked in a password box and never stored.
 */
import * as vscode from 'vscode';
import { discover, isOpenEmrError, OpenEmrError, splitScopes, type OAuthClient, type TokenSet } from '../core';
import type { AuthServices } from '../auth/createServices';
import { accountLabel, timeLeft } from '../auth/account';
import type { ServerProfile } from '../services';
import { announceAwaiting, registerClient, useExistingClient } from './registerClient';
import {
  Cancelled,
  orCancel,
  pickServer,
  registerArgCommand,
  requireArg,
  showActions,
  showMarkdown,
  stringArg,
  stringListArg,
  type CommandArgs,
  type CommandTarget,
  type ErrorAction,
} from './commandSupport';

export type LoginGrant = 'password' | 'authorizationCode' | 'clientCredentials';

export interface LoginResult {
  serverId: string;
  account?: string;
  grant: LoginGrant;
  scopes: string[];
  droppedScopes: string[];
  /** Epoch ms. */
  expiresAt: number;
}

const GRANTS: readonly LoginGrant[] = ['password', 'authorizationCode', 'clientCredentials'];

/** The grant, and for the password grant whose login it is (a clinic user or a portal patient). */
async function askGrant(profile: ServerProfile): Promise<{ grant: LoginGrant; userRole?: 'users' | 'patient' }> {
  const items = [
    {
      label: 'Browser sign-in (authorization code)',
      description: 'recommended: log in on the OpenEMR page',
      grant: 'authorizationCode' as const,
    },
    {
      label: 'Username and password (password grant)',
      description: 'a clinic user (admin, clinician); needs the password grant switched on',
      grant: 'password' as const,
      userRole: 'users' as const,
    },
    {
      label: 'Patient username, password and email (password grant)',
      description: 'a portal patient',
      grant: 'password' as const,
      userRole: 'patient' as const,
    },
    ...(profile.applicationType === 'private'
      ? [
          {
            label: 'Backend service (client credentials)',
            description: 'system/ scopes, no user',
            grant: 'clientCredentials' as const,
          },
        ]
      : []),
  ];
  return orCancel(await vscode.window.showQuickPick(items, { title: `Sign in to ${profile.name}`, ignoreFocusOut: true }));
}

function input(title: string, prompt: string, password = false): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, password, ignoreFocusOut: true });
}

/** The password grant; asks what is missing when interactive and retries once with an MFA code when asked for one. */
async function passwordSignIn(
  oauth: OAuthClient,
  profile: ServerProfile,
  args: CommandArgs | undefined,
  interactive: boolean,
  scopes: string[],
): Promise<TokenSet> {
  const title = `Sign in to ${profile.name}`;
  const roleArg = stringArg(args, 'userRole');
  const role: 'users' | 'patient' =
    roleArg === 'patient' || roleArg === 'users'
      ? roleArg
      : interactive
        ? (orCancel(
            await vscode.window.showQuickPick(
              [
                { label: 'users', description: 'a clinic user (admin, clinician)' },
                { label: 'patient', description: 'a portal patient (needs the email)' },
              ],
              { title },
            ),
          ).label as 'users' | 'patient')
        : 'users';
  const ask = async (name: string, prompt: string, secret = false): Promise<string> =>
    stringArg(args, name) ?? (interactive ? orCancel(await input(title, prompt, secret)) : requireArg(args ?? {}, name));
  const username = await ask('username', 'Username');
  const password =
    typeof args?.password === 'string' && args.password
      ? args.password
      : await ask('password', `Password of ${username} (not stored)`, true);
  const email = role === 'patient' ? await ask('email', 'Email of the patient (required by OpenEMR for patients)') : undefined;
  const grant = (mfaToken?: string) => oauth.passwordGrant({ role, username, password, email, mfaToken, scopes });
  const mfaToken = stringArg(args, 'mfaToken');
  try {
    return await grant(mfaToken);
  } catch (err) {
    if (!(err instanceof OpenEmrError) || err.kind !== 'mfa-failed' || role !== 'users') throw err;
    if (interactive) return grant(orCancel(await input(title, 'One-time code from the authenticator app (MFA)')));
    if (mfaToken) throw err;
    throw new OpenEmrError('mfa-failed', `${username} has multi-factor authentication: the server wants a one-time code`, {
      status: err.status,
      fix: 'Pass { mfaToken: "<the 6-digit code of the authenticator app>" }, or run "OpenEMR: Sign In" without arguments to be asked for it.',
    });
  }
}

/** The browser flow under a cancellable progress notification. */
function browserSignIn(
  services: AuthServices,
  oauth: OAuthClient,
  profile: ServerProfile,
  args: CommandArgs | undefined,
  scopes: string[],
): Thenable<TokenSet> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Sign in to ${profile.name}: complete the login in your browser…`,
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        return await oauth.authorizationCode({
          scopes,
          openBrowser: (url, startUri) => services.browser.openAuthorization(url, startUri),
          aud: stringArg(args, 'aud'),
          signal: abort.signal,
        });
      } finally {
        subscription.dispose();
      }
    },
  );
}

/**
 * A server without a client: offers to register one (confidential, the read-only preset, no further prompt)
 * or to choose, and goes on with the sign-in once the client is enabled. False when the sign-in must wait.
 */
async function registerForSignIn(services: AuthServices, profile: ServerProfile): Promise<boolean> {
  const quick = 'Register Client';
  const choose = 'Choose Scopes…';
  const choice = await vscode.window.showInformationMessage(
    `${profile.name} has no OAuth client yet, and signing in needs one. Register a client now?`,
    quick,
    choose,
    'Use Existing Client',
  );
  if (!choice) throw new Cancelled();
  const serverId = profile.id;
  const target = { serverId, interactive: choice !== quick };
  const registered =
    choice === quick
      ? await registerClient(services, { serverId, applicationType: 'private' }, target, 'signIn')
      : choice === choose
        ? await registerClient(services, target, target, 'signIn')
        : await useExistingClient(services, target, target, 'signIn');
  if (registered.enabled !== false) return true;
  announceAwaiting(services, services.servers.require(serverId), registered.clientId, 'signIn');
  return false;
}

function failureOf(err: unknown): { message: string; fix: string } {
  return isOpenEmrError(err)
    ? { message: `${err.message}. ${err.explanation}`, fix: err.fix }
    : { message: String(err), fix: 'See the log (OpenEMR: Show Log).' };
}

/** After a failed browser sign-in: the password sign-in, when the server has the password grant on. */
async function passwordFallback(services: AuthServices, serverId: string, err: unknown): Promise<ErrorAction[]> {
  if (err instanceof OpenEmrError && err.kind === 'cancelled') return [];
  const caps = await discover(services.tokens.http(serverId)).catch(() => undefined);
  if (caps?.passwordGrant === false) return [];
  return [
    {
      title: 'Sign In with Password',
      run: () => vscode.commands.executeCommand('openemr.login', { serverId, interactive: true, grant: 'password' }),
    },
  ];
}

async function login(services: AuthServices, args: CommandArgs | undefined, target: CommandTarget): Promise<LoginResult> {
  let profile = await pickServer(services, args, 'Sign in to which server?');
  target.serverId = profile.id;
  if (!profile.clientId && target.interactive) {
    if (!(await registerForSignIn(services, profile))) throw new Cancelled();
    profile = services.servers.require(profile.id);
  }
  const oauth = await services.tokens.oauth(profile.id);
  const grantArg = stringArg(args, 'grant');
  const asked = !grantArg && target.interactive ? await askGrant(profile) : undefined;
  if (asked?.userRole) args = { ...args, userRole: asked.userRole };
  const grant = GRANTS.find((g) => g === grantArg) ?? asked?.grant ?? (grantArg ? undefined : 'authorizationCode');
  if (!grant)
    throw new OpenEmrError('invalid-request', `Unknown grant "${grantArg}"`, { fix: `Use one of ${GRANTS.join(', ')}.` });
  const registered = profile.scopes ?? ['openid', 'offline_access', 'api:oemr', 'api:fhir'];
  const scopes = splitScopes(
    stringListArg(args, 'scopes') ??
      (grant === 'clientCredentials'
        ? registered.filter((s) => s.startsWith('system/'))
        : registered.filter((s) => !s.startsWith('system/'))),
  );
  const tokens =
    grant === 'password'
      ? await passwordSignIn(oauth, profile, args, target.interactive, scopes)
      : grant === 'clientCredentials'
        ? await oauth.clientCredentials(scopes)
        : await browserSignIn(services, oauth, profile, args, scopes).then(undefined, async (err: unknown) => {
            if (!isOpenEmrError(err, 'cancelled')) services.clients.signInEnded(profile.id, failureOf(err));
            target.actions = await passwordFallback(services, profile.id, err);
            throw err;
          });
  const state = await services.tokens.signIn(profile.id, tokens);
  services.clients.set(profile.id, oauth.client.clientId, true);
  services.clients.signInEnded(profile.id, undefined);
  const result: LoginResult = {
    serverId: profile.id,
    account: state.account,
    grant,
    scopes: tokens.grantedScopes,
    droppedScopes: tokens.droppedScopes,
    expiresAt: tokens.expiresAt,
  };
  services.log.info(
    `signed in to ${profile.name} (${grant}) as ${state.account ?? 'unknown'}; ${tokens.grantedScopes.length} scopes granted, ${tokens.droppedScopes.length} dropped`,
  );
  if (target.interactive) {
    const dropped = tokens.droppedScopes.length
      ? ` The server dropped ${tokens.droppedScopes.length} scope(s) the client did not register: ${tokens.droppedScopes.join(' ')}. To get them, register a client that includes them ("Register Client"), then sign in again.`
      : '';
    void showActions(
      dropped ? vscode.window.showWarningMessage : vscode.window.showInformationMessage,
      `Signed in: ${accountLabel(state.account, profile.name)}, ${timeLeft(tokens.expiresAt)}.${dropped}`,
      [
        { title: 'Show Token', run: () => vscode.commands.executeCommand('openemr.showToken', { serverId: profile.id }) },
        ...(dropped
          ? [
              {
                title: 'Register Client',
                run: () => vscode.commands.executeCommand('openemr.registerClient', { serverId: profile.id, interactive: true }),
              },
            ]
          : []),
      ],
    );
  }
  return result;
}

async function logout(
  services: AuthServices,
  args: CommandArgs | undefined,
  target: CommandTarget,
): Promise<{ serverId: string; signedIn: false }> {
  const profile = await pickServer(services, args, 'Sign out of which server?');
  target.serverId = profile.id;
  await services.tokens.signOut(profile.id);
  services.log.info(`signed out of ${profile.name}`);
  if (target.interactive) void vscode.window.showInformationMessage(`Signed out of ${profile.name}.`);
  return { serverId: profile.id, signedIn: false };
}

export interface ShowTokenResult {
  serverId: string;
  account?: string;
  grant: string;
  scopes: string[];
  droppedScopes: string[];
  expiresAt: number;
  hasRefreshToken: boolean;
  claims: { access?: Record<string, unknown>; id?: Record<string, unknown> };
}

function tokenReport(profile: ServerProfile, r: ShowTokenResult): string {
  const list = (items: string[]): string => (items.length ? items.map((s) => `- \`${s}\``).join('\n') : '_none_');
  return [
    `# ${accountLabel(r.account, profile.name)}`,
    '',
    `Grant: **${r.grant}** · expires ${new Date(r.expiresAt).toISOString()} (${timeLeft(r.expiresAt)}) · refresh token: ${r.hasRefreshToken ? 'yes' : 'no (ask for offline_access)'}`,
    '',
    '## Granted scopes',
    '',
    list(r.scopes),
    '',
    '## Asked for but dropped',
    '',
    list(r.droppedScopes),
    '',
    '## Access token claims (decoded, the token itself is not shown)',
    '',
    '```json',
    JSON.stringify(r.claims.access ?? {}, null, 2),
    '```',
    '',
    ...(r.claims.id ? ['## ID token claims', '', '```json', JSON.stringify(r.claims.id, null, 2), '```', ''] : []),
  ].join('\n');
}

async function showToken(services: AuthServices, args: CommandArgs | undefined, target: CommandTarget): Promise<ShowTokenResult> {
  const profile = await pickServer(services, args, 'Show the token of which server?');
  target.serverId = profile.id;
  const state = await services.tokens.load(profile.id);
  const summary = state.summary;
  if (!summary) throw new OpenEmrError('not-signed-in', `Not signed in to ${profile.name}`);
  const result: ShowTokenResult = {
    serverId: profile.id,
    account: state.account,
    grant: summary.grant,
    scopes: summary.grantedScopes,
    droppedScopes: summary.droppedScopes,
    expiresAt: summary.expiresAt,
    hasRefreshToken: summary.hasRefreshToken,
    claims: await services.tokens.claims(profile.id),
  };
  if (target.interactive || args?.show === true) await showMarkdown(tokenReport(profile, result));
  return result;
}

async function copyAccessToken(
  services: AuthServices,
  args: CommandArgs | undefined,
  target: CommandTarget,
): Promise<{ serverId: string; copied: boolean; expiresAt?: number }> {
  const profile = await pickServer(services, args, 'Copy the access token of which server?');
  target.serverId = profile.id;
  if (args?.acknowledgeRisk !== true) {
    if (!target.interactive)
      throw new OpenEmrError('invalid-request', 'Copying a token needs { acknowledgeRisk: true }', {
        fix: 'Pass acknowledgeRisk: true, or run the command without arguments to confirm in a dialog.',
      });
    const ok = await vscode.window.showWarningMessage(
      `The access token of ${profile.name} gives whoever holds it access to patient data until it expires. Paste it only where you would type the password, and never into a chat, ticket or repository.`,
      { modal: true },
      'Copy Token',
    );
    if (ok !== 'Copy Token') return { serverId: profile.id, copied: false };
  }
  await vscode.env.clipboard.writeText(await services.tokens.accessToken(profile.id));
  services.log.info(`copied the access token of ${profile.name} to the clipboard`);
  return { serverId: profile.id, copied: true, expiresAt: services.tokens.state(profile.id).summary?.expiresAt };
}

/** The status bar item's menu for one server. */
async function accountMenu(services: AuthServices, args: CommandArgs | undefined): Promise<void> {
  const profile = await pickServer(services, args);
  const state = services.tokens.state(profile.id);
  const items: Array<{ label: string; command: string }> = state.signedIn
    ? [
        { label: '$(key) Show Token', command: 'openemr.showToken' },
        { label: '$(copy) Copy Access Token…', command: 'openemr.copyAccessToken' },
        { label: '$(pulse) Diagnose', command: 'openemr.diagnose' },
        { label: '$(sign-in) Sign In Again', command: 'openemr.login' },
        { label: '$(sign-out) Sign Out', command: 'openemr.logout' },
      ]
    : [
        { label: '$(sign-in) Sign In', command: 'openemr.login' },
        { label: '$(pulse) Diagnose', command: 'openemr.diagnose' },
      ];
  const title =
    state.signedIn && state.summary
      ? `${accountLabel(state.account, profile.name)}, ${timeLeft(state.summary.expiresAt)}`
      : `${profile.name}: not signed in`;
  const picked = await vscode.window.showQuickPick(items, { title });
  if (picked) await vscode.commands.executeCommand(picked.command, { serverId: profile.id, interactive: true });
}

export function registerSignInCommands(context: vscode.ExtensionContext, services: AuthServices): void {
  context.subscriptions.push(
    registerArgCommand(services, 'openemr.login', (args, target) => login(services, args, target)),
    registerArgCommand(services, 'openemr.logout', (args, target) => logout(services, args, target)),
    registerArgCommand(services, 'openemr.showToken', (args, target) => showToken(services, args, target)),
    registerArgCommand(services, 'openemr.copyAccessToken', (args, target) => copyAccessToken(services, args, target)),
    registerArgCommand(services, 'openemr.accountMenu', (args) => accountMenu(services, args)),
  );
}
