/**
 * OAuth clients: Register Client (dynamic registration, scope picker, key pair when needed), Use Existing
 * Client, Check Client (is it enabled yet?) and Open API Clients Page. Secrets go to SecretStorage only.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  discover,
  generateClientKeyPair,
  OpenEmrError,
  redirectUriFor,
  registerClient as sendRegistration,
  serverUrls,
  type ServerCapabilities,
  type TokenEndpointAuthMethod,
} from '../core';
import type { AuthServices } from '../auth/createServices';
import {
  defaultScopes,
  needsKeyPair,
  presetsFor,
  scopeGroups,
  scopeProblems,
  filterFor,
  offered,
  type ApplicationType,
} from '../auth/scopeChoice';
import { probeClientEnabled } from '../doctor/clientStatus';
import type { ServerProfile } from '../services';
import {
  orCancel,
  pickServer,
  registerArgCommand,
  requireArg,
  actionsFor,
  showActions,
  stringArg,
  stringListArg,
  type CommandArgs,
  type CommandTarget,
} from './commandSupport';

export interface RegisterClientResult {
  clientId: string;
  enabled: boolean | 'unknown';
  scopes: string[];
  applicationType: ApplicationType;
}

export interface CheckClientResult {
  clientId: string;
  enabled: boolean | 'unknown';
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
const ADMIN_PAGE = '/interface/smart/admin-client.php';

function disabledMessage(profile: ServerProfile, clientId: string): string {
  return `Client ${clientId} is registered on ${profile.name} but disabled: it awaits an administrator. In Administration > System > API Clients, find this client and click Enable. This window notices the enable on its own for a few minutes; "Check again" asks at once.`;
}

async function askApplicationType(): Promise<ApplicationType> {
  const picked = await vscode.window.showQuickPick(
    [
      // The longer text is a detail line: a description shares the label's line and is cut off.
      {
        label: 'Confidential (private)',
        description: 'has a secret',
        detail: 'user/ and system/ scopes; starts disabled until an administrator enables it',
        type: 'private' as const,
      },
      {
        label: 'Public',
        description: 'no secret',
        detail: 'PKCE only; patient/ scopes; enabled at once',
        type: 'public' as const,
      },
    ],
    { title: 'Register Client: kind of application', ignoreFocusOut: true },
  );
  return orCancel(picked).type;
}

/** The multi-select scope picker, grouped by API, with the presets on top. */
async function askScopes(caps: ServerCapabilities, type: ApplicationType): Promise<string[]> {
  const presets = presetsFor(type);
  const custom = { label: '$(list-selection) Choose scopes one by one…', scopes: undefined as string[] | undefined };
  const presetItems = presets.map((p) => ({
    label: p.label,
    detail: p.description,
    scopes: offered(p.scopes(filterFor(caps, type)), caps.scopesSupported),
  }));
  const preset = orCancel(
    await vscode.window.showQuickPick([...presetItems, custom], { title: 'Register Client: scopes', ignoreFocusOut: true }),
  );
  const start = new Set(preset.scopes ?? defaultScopes(caps, type));
  if (preset.scopes) return preset.scopes;
  type Item = vscode.QuickPickItem & { scope?: string };
  const items: Item[] = [];
  for (const group of scopeGroups(caps, type)) {
    items.push({ label: group.label, kind: vscode.QuickPickItemKind.Separator });
    for (const s of group.scopes)
      items.push({ label: s.scope, description: s.description, picked: start.has(s.scope), scope: s.scope });
  }
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Register Client: pick scopes',
    canPickMany: true,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return orCancel(chosen).flatMap((i) => (i.scope ? [i.scope] : []));
}

export async function registerClient(
  services: AuthServices,
  args: CommandArgs | undefined,
  target: CommandTarget,
  after: AfterApproval = 'offerSignIn',
): Promise<RegisterClientResult> {
  const profile = await pickServer(services, args, 'Register a client on which server?');
  target.serverId = profile.id;
  const http = services.tokens.http(profile.id);
  const caps = await discover(http);
  const type: ApplicationType =
    args?.applicationType === 'public' || args?.applicationType === 'private'
      ? args.applicationType
      : target.interactive
        ? await askApplicationType()
        : 'private';
  const scopes = stringListArg(args, 'scopes') ?? (target.interactive ? await askScopes(caps, type) : defaultScopes(caps, type));
  const problems = scopeProblems(scopes, type, caps.scopesSupported);
  if (problems.length) {
    throw new OpenEmrError('registration-rejected', `Registration not sent: ${problems.join('; ')}`, {
      fix: 'Change the scopes (or the application type) as said above; run "OpenEMR: Register Client" without arguments to pick from the scopes this server offers.',
    });
  }
  const authArg = stringArg(args, 'tokenEndpointAuthMethod');
  const authMethod = AUTH_METHODS.find((m) => m === authArg);
  if (authArg && !authMethod)
    throw new OpenEmrError('invalid-request', `Unknown tokenEndpointAuthMethod "${authArg}"`, {
      fix: `Use one of ${AUTH_METHODS.join(', ')}.`,
    });
  const defaultName = `VS Code on ${os.hostname()}`;
  const clientName =
    stringArg(args, 'clientName') ??
    (target.interactive
      ? orCancel(
          await vscode.window.showInputBox({
            title: 'Register Client: name',
            prompt: 'Shown to the administrator in API Clients',
            value: defaultName,
            ignoreFocusOut: true,
          }),
        )
      : defaultName);
  const keys = type === 'private' && needsKeyPair(scopes, authMethod) ? await generateClientKeyPair() : undefined;
  const registered = await sendRegistration(http, {
    clientName,
    applicationType: type,
    redirectUris: stringListArg(args, 'redirectUris') ?? [redirectUriFor(profile.redirectPort)],
    postLogoutRedirectUris: [redirectUriFor(profile.redirectPort)],
    scopes,
    tokenEndpointAuthMethod: authMethod ?? (keys && !authArg ? 'private_key_jwt' : undefined),
    jwks: keys?.jwks,
  });
  await services.tokens.setClient(
    profile.id,
    { clientId: registered.clientId, applicationType: type, scopes: registered.scopes.length ? registered.scopes : scopes },
    {
      clientSecret: registered.clientSecret,
      registrationAccessToken: registered.registrationAccessToken,
      privateJwk: keys?.privateJwk,
    },
  );
  services.log.info(`registered client ${registered.clientId} (${type}, ${scopes.length} scopes) on ${profile.name}`);
  // Within a sign-in, the sign-in says what comes next.
  const status = await checkClient(services, profile.id, target.interactive && after !== 'signIn', after);
  return { clientId: registered.clientId, enabled: status.enabled, scopes, applicationType: type };
}

/** How long, and how often, the extension checks on its own whether an administrator enabled the client. */
const APPROVAL_WATCH_MS = 5 * 60_000;
const APPROVAL_POLL_MS = 3_000;
const watchers = new Map<string, AbortController>();

/** What happens once the client is enabled: `signIn` goes straight on with the sign-in the user asked for. */
export type AfterApproval = 'signIn' | 'offerSignIn';

/** Is the server's client enabled? Interactive calls say what to do next, and wait quietly for the enable. */
async function checkClient(
  services: AuthServices,
  serverId: string,
  interactive: boolean,
  after: AfterApproval = 'offerSignIn',
): Promise<CheckClientResult> {
  const profile = services.servers.require(serverId);
  const oauth = await services.tokens.oauth(serverId);
  const status = await probeClientEnabled(oauth, serverUrls(oauth.http.server).redirectUri);
  const clientId = oauth.client.clientId;
  services.clients.set(serverId, clientId, status.enabled);
  if (status.enabled !== true)
    services.log.info(
      `client ${clientId} on ${profile.name}: ${status.enabled === false ? 'disabled' : `unknown (${status.error.message})`}`,
    );
  if (interactive && status.enabled === false) announceAwaiting(services, profile, clientId, after);
  else if (interactive && status.enabled === true) announceEnabled(services, profile, clientId, after);
  else if (interactive && status.enabled === 'unknown')
    void showActions(
      vscode.window.showWarningMessage,
      `Could not tell whether client ${clientId} is enabled: ${status.error.message}`,
      actionsFor(status.error, serverId),
    );
  return { clientId, enabled: status.enabled };
}

/** The notification of a client waiting for an administrator; it comes back after the admin page opened. */
export function announceAwaiting(services: AuthServices, profile: ServerProfile, clientId: string, after: AfterApproval): void {
  watchForApproval(services, profile, clientId, after);
  void showActions(vscode.window.showWarningMessage, disabledMessage(profile, clientId), [
    {
      title: 'Open API Clients page',
      run: async () => {
        await openApiClientsPage(services, { serverId: profile.id });
        // A button closes its notification: show it again, so "Check again" stays at hand.
        if (services.clients.get(profile.id, clientId) === 'awaiting') announceAwaiting(services, profile, clientId, after);
      },
    },
    {
      title: 'Check again',
      run: () => checkClient(services, profile.id, true, after),
    },
  ]);
}

/** Checks quietly every few seconds, for a few minutes, whether the client was enabled; one watcher per server. */
function watchForApproval(services: AuthServices, profile: ServerProfile, clientId: string, after: AfterApproval): void {
  watchers.get(profile.id)?.abort();
  const stop = new AbortController();
  watchers.set(profile.id, stop);
  const deadline = Date.now() + APPROVAL_WATCH_MS;
  /** One quiet check; true while it should go on checking. */
  const poll = async (): Promise<boolean> => {
    const current = services.servers.get(profile.id);
    if (stop.signal.aborted || Date.now() > deadline || current?.clientId !== clientId) return false;
    if (services.clients.get(profile.id, clientId) === 'ready') return false; // a "Check again" saw it first and said so
    const oauth = await services.tokens.oauth(profile.id);
    const status = await probeClientEnabled(oauth, serverUrls(oauth.http.server).redirectUri, stop.signal);
    if (stop.signal.aborted || status.enabled !== true) return !stop.signal.aborted;
    watchers.delete(profile.id);
    services.clients.set(profile.id, clientId, true);
    announceEnabled(services, current, clientId, after);
    return false;
  };
  // A failed check (the server briefly away) does not end the watch; the deadline does.
  const schedule = (): void => {
    setTimeout(() => void poll().then((again) => again && schedule(), schedule), APPROVAL_POLL_MS);
  };
  schedule();
}

/** Says the client is enabled, and what comes next: nothing for a signed-in server, else the sign-in. */
function announceEnabled(services: AuthServices, profile: ServerProfile, clientId: string, after: AfterApproval): void {
  watchers.get(profile.id)?.abort();
  watchers.delete(profile.id);
  const serverId = profile.id;
  if (services.tokens.state(serverId).signedIn) {
    void vscode.window.showInformationMessage(`Client ${clientId} is enabled on ${profile.name}.`);
    return;
  }
  if (after === 'signIn') {
    void vscode.window.showInformationMessage(`Client ${clientId} is enabled on ${profile.name}. Signing in…`);
    void vscode.commands.executeCommand('openemr.login', { serverId, interactive: true });
    return;
  }
  void showActions(vscode.window.showInformationMessage, `Client ${clientId} is enabled on ${profile.name}. Next: sign in.`, [
    { title: 'Sign In', run: () => vscode.commands.executeCommand('openemr.login', { serverId, interactive: true }) },
  ]);
}

export async function useExistingClient(
  services: AuthServices,
  args: CommandArgs | undefined,
  target: CommandTarget,
  after: AfterApproval = 'offerSignIn',
): Promise<CheckClientResult> {
  const profile = await pickServer(services, args, 'Use a client on which server?');
  target.serverId = profile.id;
  const clientId =
    stringArg(args, 'clientId') ??
    (target.interactive
      ? orCancel(
          await vscode.window.showInputBox({
            title: 'Use Existing Client',
            prompt: 'Client ID (Administration > System > API Clients)',
            ignoreFocusOut: true,
          }),
        )
      : requireArg(args ?? {}, 'clientId'));
  const argSecret = stringArg(args, 'clientSecret');
  const clientSecret =
    argSecret ??
    (target.interactive
      ? await vscode.window.showInputBox({
          title: 'Use Existing Client',
          prompt: 'Client secret (leave empty for a public client)',
          password: true,
          ignoreFocusOut: true,
        })
      : undefined);
  const scopes = stringListArg(args, 'scopes');
  await services.tokens.setClient(
    profile.id,
    { clientId, applicationType: clientSecret ? 'private' : 'public', scopes },
    { clientSecret: clientSecret || undefined },
  );
  return checkClient(services, profile.id, target.interactive && after !== 'signIn', after);
}

async function openApiClientsPage(services: AuthServices, args: CommandArgs | undefined): Promise<{ url: string }> {
  const profile = await pickServer(services, args);
  const url = `${serverUrls({ baseUrl: profile.baseUrl, site: profile.site }).root}${ADMIN_PAGE}`;
  await services.browser.open(url);
  return { url };
}

export function registerClientCommands(context: vscode.ExtensionContext, services: AuthServices): void {
  context.subscriptions.push(
    registerArgCommand(services, 'openemr.registerClient', (args, target) => registerClient(services, args, target)),
    registerArgCommand(services, 'openemr.useExistingClient', (args, target) => useExistingClient(services, args, target)),
    registerArgCommand(services, 'openemr.checkClient', async (args, target) => {
      const profile = await pickServer(services, args);
      target.serverId = profile.id;
      return checkClient(services, profile.id, target.interactive);
    }),
    registerArgCommand(services, 'openemr.openApiClientsPage', (args) => openApiClientsPage(services, args)),
  );
}
