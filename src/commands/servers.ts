/** Server profiles: OpenEMR: Add Server (probes it at once), Edit Server, Rename Server, Remove Server. */
import * as vscode from 'vscode';
import { discover, DEFAULT_SITE, normalizeBaseUrl, type ServerCapabilities } from '../core';
import type { AuthServices } from '../auth/createServices';
import type { ServerProfile } from '../services';
import {
  orCancel,
  pickServer,
  registerArgCommand,
  requireArg,
  showActions,
  stringArg,
  type CommandArgs,
  type CommandTarget,
} from './commandSupport';

/** What discovery found, without anything secret: the answer of Add Server and its message. */
export interface ServerProbe {
  reachable: boolean;
  version?: string;
  issuer?: string;
  apis: { standard: boolean | 'unknown'; fhir: boolean | 'unknown'; portal: boolean | 'unknown' };
  passwordGrant: boolean | 'unknown';
  grantTypes: string[];
  scopesSupported: number;
  problems: string[];
  /** What to do about the first problem when the server did not answer as OpenEMR. */
  fix?: string;
}

export interface AddServerResult {
  serverId: string;
  probe: ServerProbe;
}

export function summarizeProbe(caps: ServerCapabilities): ServerProbe {
  const errors = Object.values(caps.errors).filter((e) => e.kind !== 'not-signed-in');
  const v = caps.version;
  const reachable = Boolean(caps.oidc || caps.capability || caps.version || caps.smart);
  return {
    reachable,
    version: v ? [v.major, v.minor, v.patch].filter((n) => n !== undefined).join('.') : undefined,
    issuer: caps.issuer,
    apis: { standard: caps.apis.standard, fhir: caps.apis.fhir, portal: caps.apis.portal },
    passwordGrant: caps.passwordGrant,
    grantTypes: caps.grantTypes,
    scopesSupported: caps.scopesSupported.length,
    problems: errors.map((e) => e.message),
    ...(!reachable && errors[0] ? { fix: errors[0].fix } : {}),
  };
}

function probeSentence(name: string, probe: ServerProbe): string {
  if (!probe.reachable)
    return `${name} added, but it did not answer as OpenEMR: ${probe.problems[0] ?? 'no answer'}.${probe.fix ? ` Fix: ${probe.fix}` : ''}`;
  const on = (v: boolean | 'unknown'): string => (v === true ? 'on' : v === false ? 'off' : '?');
  return `${name} added${probe.version ? ` (OpenEMR ${probe.version})` : ''}: standard API ${on(probe.apis.standard)}, FHIR ${on(probe.apis.fhir)}, portal ${on(probe.apis.portal)}, password grant ${on(probe.passwordGrant)}, ${probe.scopesSupported} scopes offered.`;
}

async function askNewServer(): Promise<CommandArgs> {
  const baseUrl = orCancel(
    await vscode.window.showInputBox({
      title: 'Add OpenEMR Server (1/3)',
      prompt: 'Base URL of the OpenEMR installation (with its web root, if any)',
      placeHolder: 'https://emr.example.org or https://localhost:9300/openemr',
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          normalizeBaseUrl(v);
          return undefined;
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      },
    }),
  );
  const site = orCancel(
    await vscode.window.showInputBox({
      title: 'Add OpenEMR Server (2/3)',
      prompt: 'Site name (multisite); keep "default" unless you set up several sites',
      value: DEFAULT_SITE,
      ignoreFocusOut: true,
    }),
  );
  const name = orCancel(
    await vscode.window.showInputBox({
      title: 'Add OpenEMR Server (3/3)',
      prompt: 'A name for this server',
      value: new URL(normalizeBaseUrl(baseUrl)).host,
      ignoreFocusOut: true,
    }),
  );
  return { baseUrl, site, name };
}

const PROFILE_FIELDS = ['name', 'baseUrl', 'site', 'apis', 'tls', 'allowInsecureHttp', 'redirectPort'] as const;

/** The profile fields an argument object may set (client fields are set by Register Client only). */
function profileFields(args: CommandArgs): Partial<ServerProfile> {
  return Object.fromEntries(
    PROFILE_FIELDS.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]),
  ) as Partial<ServerProfile>;
}

async function addServer(services: AuthServices, args: CommandArgs | undefined, target: CommandTarget): Promise<AddServerResult> {
  const input = args?.baseUrl !== undefined || !target.interactive ? (args ?? {}) : await askNewServer();
  const profile = await services.servers.add({ ...profileFields(input), baseUrl: requireArg(input, 'baseUrl') });
  services.log.info(`added server ${profile.name} (${profile.baseUrl}, site ${profile.site})`);
  const probe = summarizeProbe(await discover(services.tokens.http(profile.id)));
  const sentence = probeSentence(profile.name, probe);
  services.log.info(sentence);
  target.serverId = profile.id;
  if (target.interactive) {
    const next = probe.reachable ? 'Register Client' : 'Diagnose';
    void showActions(probe.reachable ? vscode.window.showInformationMessage : vscode.window.showWarningMessage, sentence, [
      {
        title: next,
        run: () =>
          vscode.commands.executeCommand(probe.reachable ? 'openemr.registerClient' : 'openemr.diagnose', {
            serverId: profile.id,
            interactive: true,
          }),
      },
    ]);
  }
  return { serverId: profile.id, probe };
}

async function removeServer(
  services: AuthServices,
  args: CommandArgs | undefined,
  target: CommandTarget,
): Promise<{ serverId: string; removed: boolean }> {
  const profile = await pickServer(services, args, 'Remove which server?');
  if (target.interactive) {
    const ok = await vscode.window.showWarningMessage(
      `Remove ${profile.name}? Its sign-in and client secret are deleted from this machine; the client stays registered on the server.`,
      { modal: true },
      'Remove',
    );
    if (ok !== 'Remove') return { serverId: profile.id, removed: false };
  }
  if (services.tokens.state(profile.id).signedIn) await services.tokens.signOut(profile.id).catch(() => undefined);
  await services.tokens.forget(profile);
  await services.servers.remove(profile.id);
  return { serverId: profile.id, removed: true };
}

async function renameServer(services: AuthServices, args: CommandArgs | undefined): Promise<{ serverId: string; name: string }> {
  const profile = await pickServer(services, args, 'Rename which server?');
  const name =
    stringArg(args, 'name') ??
    orCancel(await vscode.window.showInputBox({ prompt: `New name for ${profile.name}`, value: profile.name }));
  const updated = await services.servers.update(profile.id, { name });
  return { serverId: updated.id, name: updated.name };
}

/** Edit Server: non-interactive with fields to change; interactive opens the setting where all fields are. */
async function editServer(services: AuthServices, args: CommandArgs | undefined): Promise<{ serverId: string; edited: boolean }> {
  const profile = await pickServer(services, args, 'Edit which server?');
  const patch = profileFields(args ?? {});
  if (Object.keys(patch).length) {
    await services.servers.update(profile.id, patch);
    return { serverId: profile.id, edited: true };
  }
  await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'openemr.servers' } });
  return { serverId: profile.id, edited: false };
}

export function registerServerCommands(context: vscode.ExtensionContext, services: AuthServices): void {
  context.subscriptions.push(
    registerArgCommand(services, 'openemr.addServer', (args, target) => addServer(services, args, target)),
    registerArgCommand(services, 'openemr.removeServer', (args, target) => removeServer(services, args, target)),
    registerArgCommand(services, 'openemr.renameServer', (args) => renameServer(services, args)),
    registerArgCommand(services, 'openemr.editServer', (args) => editServer(services, args)),
  );
}

/**
 * `npm start` passes the simulator's URL in OPENEMR_SEED_SERVER: add a profile for it once
 * (OPENEMR_SEED_REDIRECT_PORT sets its browser sign-in port, so parallel test windows do not share one).
 */
export async function seedServerFromEnvironment(
  services: AuthServices,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const url = env.OPENEMR_SEED_SERVER;
  if (!url) return undefined;
  const baseUrl = normalizeBaseUrl(url);
  const existing = services.servers.list().find((p) => p.baseUrl === baseUrl);
  if (existing) return existing.id;
  const redirectPort = Number(env.OPENEMR_SEED_REDIRECT_PORT) || undefined;
  const profile = await services.servers.add({ baseUrl, name: 'OpenEMR simulator', ...(redirectPort ? { redirectPort } : {}) });
  services.log.info(`added the server profile "${profile.name}" for ${baseUrl} (OPENEMR_SEED_SERVER)`);
  return profile.id;
}
