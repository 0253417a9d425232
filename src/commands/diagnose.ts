/**
 * OpenEMR: Diagnose: runs the setup doctor for a server and shows its report in a read-only webview (one
 * per server, reused), where each fix that is a command is a button.
 */
import * as vscode from 'vscode';
import type { AuthServices } from '../auth/createServices';
import { randomBytes } from 'node:crypto';
import { lastSignInCheck, runDoctor, type DoctorCheck } from '../doctor/checks';
import { fixActions, reportHtml } from '../doctor/reportHtml';
import { declaredCommands, pickServer, registerArgCommand, type CommandArgs, type CommandTarget } from './commandSupport';

export interface DiagnoseResult {
  serverId: string;
  checks: Array<Pick<DoctorCheck, 'id' | 'ok' | 'message' | 'fix'> & { skipped?: boolean }>;
}

async function diagnose(services: AuthServices, args: CommandArgs | undefined, target: CommandTarget): Promise<DiagnoseResult> {
  const profile = await pickServer(services, args, 'Diagnose which server?');
  target.serverId = profile.id;
  const { tokens } = services;
  const state = await tokens.load(profile.id);
  const oauth = profile.clientId ? await tokens.oauth(profile.id) : undefined;
  const checks = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Checking the OpenEMR set-up of ${profile.name}…`,
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        return await runDoctor({
          http: tokens.http(profile.id),
          apis: profile.apis,
          oauth,
          summary: state.summary,
          accessToken: state.signedIn ? (signal) => tokens.accessToken(profile.id, signal) : undefined,
          api: state.signedIn ? services.client(profile.id) : undefined,
          signal: abort.signal,
        });
      } finally {
        subscription.dispose();
      }
    },
  );
  const lastSignIn = services.clients.lastSignInFailure(profile.id);
  if (lastSignIn) checks.push(lastSignInCheck(lastSignIn));
  const failed = checks.filter((c) => !c.ok && !c.skipped);
  services.log.info(
    `diagnose ${profile.name}: ${failed.length ? failed.map((c) => c.id).join(', ') + ' failed' : 'all checks passed'}`,
  );
  if (target.interactive || args?.show !== false) showReport(profile.id, profile.name, checks);
  return {
    serverId: profile.id,
    checks: checks.map(({ id, ok, message, fix, skipped }) => ({
      id,
      ok,
      message,
      ...(fix ? { fix } : {}),
      ...(skipped ? { skipped } : {}),
    })),
  };
}

const panels = new Map<string, vscode.WebviewPanel>();

/** Shows (or refreshes) the server's report panel; its buttons run the fixes, the doctor again, or open the raw answers. */
function showReport(serverId: string, serverName: string, checks: readonly DoctorCheck[]): void {
  const declared = declaredCommands();
  const reportChecks = checks.map((c) => ({ ...c, actions: fixActions(c, declared) }));
  let panel = panels.get(serverId);
  if (panel) panel.reveal();
  else {
    panel = vscode.window.createWebviewPanel('openemr.doctor', `Setup doctor: ${serverName}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    panels.set(serverId, panel);
    panel.onDidDispose(() => panels.delete(serverId));
  }
  const nonce = randomBytes(16).toString('base64');
  panel.webview.html = reportHtml({
    serverName,
    checks: reportChecks,
    hasAnswers: checks.some((c) => c.answer),
    when: new Date(),
    nonce,
    cspSource: panel.webview.cspSource,
  });
  handler.get(serverId)?.dispose();
  handler.set(
    serverId,
    panel.webview.onDidReceiveMessage((message: { check?: number; action?: number; run?: string }) => {
      const target = { serverId, interactive: true };
      if (message.run === 'again') void vscode.commands.executeCommand('openemr.diagnose', target);
      else if (message.run === 'answers') void openRawAnswers(serverId, checks).catch(() => undefined);
      else {
        const action = reportChecks[message.check ?? -1]?.actions[message.action ?? -1];
        if (action) void vscode.commands.executeCommand(action.command, target);
      }
    }),
  );
}
const handler = new Map<string, vscode.Disposable>();

/** The first request's raw answer (and any other check's) in the JSON viewer. */
async function openRawAnswers(serverId: string, checks: readonly DoctorCheck[]): Promise<void> {
  const answers = checks.flatMap((c) => (c.answer ? [c.answer] : []));
  for (const { body, ...request } of answers) {
    const url = new URL(request.url);
    const path = `${url.pathname.replace(/^\/apis\/[^/]+/, '')}${url.search}`;
    await vscode.commands.executeCommand('openemr.openInViewer', {
      title: `Setup doctor: ${request.method} ${path}`,
      json: body,
      request,
      serverId,
    });
  }
}

export function registerDiagnoseCommand(context: vscode.ExtensionContext, services: AuthServices): void {
  context.subscriptions.push(
    registerArgCommand(services, 'openemr.diagnose', (args, target) => diagnose(services, args, target)),
  );
}
