import * as vscode from 'vscode';
import { registerLogCommands } from './commands/log';

/**
 * Builds the shared services and registers each feature. Nothing else lives here:
 * every feature is a `register*` function in its own module.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('OpenEMR', { log: true });
  context.subscriptions.push(log);
  registerLogCommands(context, log);
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
