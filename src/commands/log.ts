import * as vscode from 'vscode';

/** What `openemr.showLog` returns (for keybindings, other extensions and tests). */
export interface ShowLogResult {
  shown: true;
  channel: string;
}

/** "OpenEMR: Show Log" reveals the extension's log channel without taking focus from the editor. */
export function registerLogCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('openemr.showLog', (): ShowLogResult => {
      log.show(true);
      return { shown: true, channel: log.name };
    }),
  );
}
