import * as vscode from 'vscode';

export function registerLogCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('openemr.showLog', () => {
      log.show(true);
      return { shown: true };
    }),
  );
}
