import * as vscode from 'vscode';
import { createServices } from './auth/createServices';
import { registerSignIn, type SignInApi } from './auth/register';
import { registerLogCommands } from './commands/log';
import { registerDocuments } from './documents/register';
import { registerExplorer, type ExplorerApi } from './explorer/register';
import { registerExport } from './export/register';
import { registerViewer } from './viewer/register';

/**
 * Builds the shared services and registers each feature. Nothing else lives here:
 * every feature is a `register*` function in its own module.
 */
export function activate(context: vscode.ExtensionContext): SignInApi & { explorer: ExplorerApi } {
  const log = vscode.window.createOutputChannel('OpenEMR', { log: true });
  context.subscriptions.push(log);
  log.info(`OpenEMR API ${(context.extension.packageJSON as { version: string }).version} activated`);
  registerLogCommands(context, log);
  const services = createServices(context, log);
  const signIn = registerSignIn(context, services);
  registerViewer(context, log, services.viewerFetcher);
  const explorer = registerExplorer(context, services);
  registerDocuments(context, services, explorer.provider);
  registerExport(context, services);
  return { ...signIn, explorer };
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
