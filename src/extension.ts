import * as vscode from 'vscode';
import { createServices } from './auth/createServices';
import { registerSignIn, type SignInApi } from './auth/register';
import { registerLogCommands } from './commands/log';
import { registerSetupState } from './commands/setupState';
import { registerExplorer, type ExplorerApi } from './explorer/register';
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
  registerSetupState(context, services, explorer.view);
  return { ...signIn, explorer };
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
