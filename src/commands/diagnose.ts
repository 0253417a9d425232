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
    { location: vscode.ProgressLocation.Notification, title: `Checking the OpenEMR set-up of ${profile.name}…`, cancellable: true },
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
  services.log.info(`diagnose ${profile.name}: ${failed.length ? failed.map((c) => c.id).join(', ') + ' failed' : 'all checks passed'}`);
  if (target.interactive || args?.show !== false) await showMarkdown(doctorReport(profile.name, checks));
  return { serverId: profile.id, checks: checks.map(({ id, ok, message, fix, skipped }) => ({ id, ok, message, ...(fix ? { fix } : {}), ...(skipped ? { skipped } : {}) })) };
}

export function registerDiagnoseCommand(context: vscode.ExtensionContext, services: AuthServices): void {
  context.subscriptions.push(registerArgCommand(services, 'openemr.diagnose', (args, target) => diagnose(services, args, target)));
}
