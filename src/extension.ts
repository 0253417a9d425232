import * as vscode from 'vscode';
import { createServices } from './auth/createServices';
import { registerSignIn, type SignInApi } from './auth/register';
import { registerLogCommands } from './commands/log';
import { registerDocuments } from './documents/register';
import { registerSetupState } from './commands/setupState';
import { registerExplorer, type ExplorerApi } from './explorer/register';
import { registerRequests, type RequestsApi } from './requests/register';
import { registerExport } from './export/register';
import { registerViewer } from './viewer/register';

/**
 * Builds the shared services and registers each feature. Nothing else lives here:
 * every feature is a `register*` function in its own module.
 */
export function activate(context: vscode.ExtensionContext): SignInApi & { explorer: ExplorerApi; requests: RequestsApi } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('OpenEMR', { log: true });
  context.subscriptions.push(log);
  registerLogCommands(context, log);
  const services = createServices(context, log);
  const signIn = registerSignIn(context, services);
  const viewer = registerViewer(context, log, services.viewerFetcher);
  const explorer = registerExplorer(context, services);
  const requests = registerRequests(context, services, explorer.view);
  registerDocuments(context, services, explorer.provider, viewer);
  registerExport(context, services);
  registerSetupState(context, services, explorer.view);
  // The activation benchmark reads this line: wall time, and the CPU time (less sensitive to a loaded machine).
  const version = (context.extension.packageJSON as { version: string }).version;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  log.info(`OpenEMR API ${version} activated in ${(performance.now() - started).toFixed(1)} ms (CPU ${cpuMs.toFixed(1)} ms)`);
  return { ...signIn, explorer, requests };
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
