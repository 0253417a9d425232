/**
 * What every sign-in command shares: reading the optional argument object, picking a server, and turning
 * failures into messages with the explanation, the fix and buttons (never a secret: OpenEmrError messages
 * carry redacted URLs and the server's error text only).
 */
import * as vscode from 'vscode';
import { isOpenEmrError, OpenEmrError, type OpenEmrErrorKind } from '../core';
import type { AuthServices } from '../auth/createServices';
import type { ServerProfile } from '../services';
import { CommandError, commandsNamedIn, describeError, type DeclaredCommand } from './errorText';

const EXTENSION_ID = 'openemr-tools.openemr-api';

/** The argument object of a non-interactive call, or undefined for an interactive one. */
export type CommandArgs = Record<string, unknown>;

/** An element of the Servers tree (a class instance with a serverId), as context menus pass it: the user clicked, so prompts are allowed. */
function isTreeElement(arg: unknown): boolean {
  if (!arg || typeof arg !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(arg);
  return proto !== Object.prototype && proto !== null && !Array.isArray(arg);
}

export function argsOf(arg: unknown): CommandArgs | undefined {
  return arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as CommandArgs) : undefined;
}

export function stringArg(args: CommandArgs | undefined, name: string): string | undefined {
  const v = args?.[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function stringListArg(args: CommandArgs | undefined, name: string): string[] | undefined {
  const v = args?.[name];
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.length > 0) : undefined;
}

/** A required argument of a non-interactive call. */
export function requireArg(args: CommandArgs, name: string): string {
  const v = stringArg(args, name);
  if (!v)
    throw new OpenEmrError('invalid-request', `The argument "${name}" is required`, {
      fix: `Pass { ${name}: … } or run the command without arguments.`,
    });
  return v;
}

/** Thrown when the user dismissed a prompt: the command ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}

export function orCancel<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

/** The server named by `serverId` (or an element of the explorer tree with one), else asks when there are several. */
export async function pickServer(
  services: AuthServices,
  args: CommandArgs | undefined,
  placeHolder = 'Which OpenEMR server?',
): Promise<ServerProfile> {
  const id = stringArg(args, 'serverId');
  if (id) return services.servers.require(id);
  const all = services.servers.list();
  if (all.length === 0) {
    throw new OpenEmrError('invalid-request', 'No OpenEMR server has been added yet', {
      fix: 'Run "OpenEMR: Add Server" first.',
    });
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({
      label: p.name,
      description: `${p.baseUrl} · ${p.site}`,
      detail: services.tokens.state(p.id).signedIn ? '$(pass) signed in' : undefined,
      profile: p,
    })),
    { placeHolder },
  );
  return orCancel(picked).profile;
}

export interface ErrorAction {
  title: string;
  run(): unknown;
}

/** The command that fixes each kind of error, when its fix is one (named in the fix or not). */
const FIX_COMMANDS: Partial<Record<OpenEmrErrorKind, Array<{ title: string; command: string }>>> = {
  'client-unknown': [{ title: 'Register Client', command: 'openemr.registerClient' }],
  'client-disabled': [
    { title: 'Open API Clients page', command: 'openemr.openApiClientsPage' },
    { title: 'Check again', command: 'openemr.checkClient' },
  ],
  'not-signed-in': [{ title: 'Sign In', command: 'openemr.login' }],
  'token-expired': [{ title: 'Sign In', command: 'openemr.login' }],
  'token-revoked': [{ title: 'Sign In', command: 'openemr.login' }],
  'invalid-grant': [{ title: 'Sign In', command: 'openemr.login' }],
};

/** The commands this extension declares, to find the ones a fix names by title. */
export function declaredCommands(): DeclaredCommand[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as
    { contributes?: { commands?: DeclaredCommand[] } } | undefined;
  return manifest?.contributes?.commands ?? [];
}

/**
 * Buttons that fit the error, the command that fixes it first (every command its fix names, or the one its
 * kind calls for), then `extra` (e.g. the password sign-in after a failed browser sign-in), the doctor, the log.
 */
export function actionsFor(err: unknown, serverId: string | undefined, extra: ErrorAction[] = []): ErrorAction[] {
  const kind = isOpenEmrError(err) ? err.kind : undefined;
  const run = (command: string) => () =>
    vscode.commands.executeCommand(command, serverId ? { serverId, interactive: true } : undefined);
  const fixes = [
    ...(isOpenEmrError(err) ? commandsNamedIn(err.fix, declaredCommands()) : []),
    ...((kind && FIX_COMMANDS[kind]) ?? []),
  ];
  const actions: ErrorAction[] = [];
  for (const fix of fixes) {
    if (!actions.some((a) => a.title === fix.title || fix.command === 'openemr.showLog'))
      actions.push({ title: fix.title, run: run(fix.command) });
  }
  actions.push(...extra);
  if (serverId && kind && kind !== 'cancelled') actions.push({ title: 'Diagnose', run: run('openemr.diagnose') });
  actions.push({ title: 'Show Log', run: run('openemr.showLog') });
  return actions;
}

export async function showActions(
  show: (text: string, ...items: string[]) => Thenable<string | undefined>,
  text: string,
  actions: ErrorAction[],
): Promise<void> {
  const chosen = await show(text, ...actions.map((a) => a.title));
  await actions.find((a) => a.title === chosen)?.run();
}

/** Shows an error with its fix as the first button (Sign In, Register Client...), then Diagnose and Show Log. */
export function showErrorWithFixes(err: unknown, serverId?: string, extra: ErrorAction[] = []): void {
  void showActions(vscode.window.showErrorMessage, describeError(err), actionsFor(err, serverId, extra));
}

/** The server a command works on, once known (for the buttons of an error message). */
export interface CommandTarget {
  serverId?: string;
  /** Buttons a command adds to its failure message (after the fix's own command). */
  actions?: ErrorAction[];
  /** No argument object, or `{ interactive: true, … }` (buttons that preselect a server): prompts allowed. */
  interactive: boolean;
}

/**
 * Registers a command that takes an optional argument object. Interactive calls show failures as messages
 * with buttons and return undefined; non-interactive calls reject with the same explanation, so callers
 * (tests, tasks, other extensions) see why.
 */
export function registerArgCommand<R>(
  services: AuthServices,
  id: string,
  run: (args: CommandArgs | undefined, target: CommandTarget) => Promise<R>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg: unknown): Promise<R | undefined> => {
    // A tree row's context menu passes the row itself: it names the server and nothing else.
    const args = isTreeElement(arg) ? { serverId: (arg as { serverId?: unknown }).serverId, interactive: true } : argsOf(arg);
    const target: CommandTarget = {
      serverId: stringArg(args, 'serverId'),
      interactive: !args || args.interactive === true,
    };
    try {
      return await run(args, target);
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      services.log.warn(`${id} failed: ${describeError(err)}`);
      if (!target.interactive) throw isOpenEmrError(err) ? new CommandError(err) : err;
      showErrorWithFixes(err, target.serverId, target.actions);
      return undefined;
    }
  });
}

const REPORT_SCHEME = 'openemr-report';
const reports = new Map<string, string>();
let reportProvider: vscode.Disposable | undefined;
let reportCount = 0;

/**
 * Shows a Markdown report (the token view) in a preview of a read-only virtual document: nothing to save,
 * no dirty editor left behind.
 */
export async function showMarkdown(content: string, name = 'report'): Promise<void> {
  reportProvider ??= vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
    provideTextDocumentContent: (uri) => reports.get(uri.path) ?? '',
  });
  const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}-${++reportCount}.md` });
  reports.set(uri.path, content);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}
