/** OpenEMR: Diagnose: runs the setup doctor for a server and shows its report as a Markdown preview. */
import * as vscode from 'vscode';
import type { AuthServices } from '../auth/createServices';
import { doctorReport, runDoctor, type DoctorCheck } from '../doctor/checks';
import { pickServer, registerArgCommand, showMarkdown, type CommandArgs, type CommandTarget } from './commandSupport';

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
  const failed = checks.filter((c) => !c.ok && !c.skipped);
  services.log.info(
    `diagnose ${profile.name}: ${failed.length ? failed.map((c) => c.id).join(', ') + ' failed' : 'all checks passed'}`,
  );
  if (target.interactive || args?.show !== false) {
    await showMarkdown(doctorReport(profile.name, checks));
    // The viewer command reports its own failures; nothing is left to handle here.
    void offerRawAnswers(profile.id, profile.name, checks).catch(() => undefined);
  }
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

/** The report is a Markdown preview, which cannot run commands: its raw answers open from a notification, in the JSON viewer. */
async function offerRawAnswers(serverId: string, serverName: string, checks: readonly DoctorCheck[]): Promise<void> {
  const answers = checks.flatMap((c) => (c.answer ? [c.answer] : []));
  if (answers.length === 0) return;
  const action = 'Open Raw Answers';
  const choice = await vscode.window.showInformationMessage(
    `Setup doctor for ${serverName}: open the raw API answers in the JSON viewer?`,
    action,
  );
  if (choice !== action) return;
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
