/** Actions of the History view: send again, open the kept answer, copy as a snippet, save as a request file, delete, clear. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/requests/history';
import type { AuthServices } from '../../auth/createServices';
import { registerArgCommand, showErrorWithFixes, stringArg, type CommandArgs } from '../../commands/commandSupport';
import { LANGUAGE_ID } from '../files/documents';
import type { RequestRunner } from '../runner';
import { showInViewer } from '../sendCommand';
import { bodyText, copyRequestSnippet, snippetArgsOf } from '../snippetCommands';
import { HistoryItem, type HistoryProvider } from './historyView';

/** A history entry as a request file (no token: the extension adds it when sending). */
export function entryAsRequestFile(entry: HistoryEntry, serverName: string): string {
  const lines = [`# @server ${serverName}`, '', '###', `${entry.method} ${entry.path}`];
  for (const [name, value] of Object.entries(entry.headers ?? {})) lines.push(`${name}: ${value}`);
  const body = bodyText(entry.body);
  if (body !== undefined) {
    const pretty = typeof entry.body === 'string' ? body : JSON.stringify(entry.body, null, 2);
    lines.push('', pretty);
  }
  lines.push('', `?? status == ${entry.status}`, '');
  return lines.join('\n');
}

export function registerHistoryCommands(
  services: AuthServices,
  runner: RequestRunner,
  view: HistoryProvider,
): vscode.Disposable[] {
  const store = runner.history;
  const entryOf = async (arg: unknown, args: CommandArgs | undefined): Promise<HistoryEntry> => {
    if (arg instanceof HistoryItem) return arg.entry;
    const id = stringArg(args, 'id');
    const entry = id ? await store.get(id) : undefined;
    if (!entry) throw new Error(id ? `No history entry ${id}.` : 'Choose a request in the History view.');
    return entry;
  };
  // Tree items come as the first argument; argument objects as `{ id, ... }`.
  const command = <R>(
    id: string,
    run: (entry: HistoryEntry, args: CommandArgs | undefined, interactive: boolean) => Promise<R>,
  ) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      const args = arg instanceof HistoryItem ? undefined : (arg as CommandArgs | undefined);
      const interactive = arg instanceof HistoryItem || !args;
      try {
        return await run(await entryOf(arg, args), args, interactive);
      } catch (err) {
        if (!interactive) throw err;
        showErrorWithFixes(err);
        return undefined;
      }
    });

  return [
    command('openemr.history.sendAgain', async (entry, args, interactive) => {
      const outcome = await runner.send({
        serverId: entry.serverId,
        method: entry.method,
        path: entry.path,
        headers: entry.headers,
        body: entry.body,
      });
      if (interactive || args?.show === true) await showInViewer(outcome, entry.serverId);
      return outcome.result;
    }),
    command('openemr.history.open', async (entry) => {
      if (!entry.response)
        throw new Error('The answer was not kept: turn on "openemr.history.keepResponses", or send the request again.');
      const json = entry.response.body !== undefined ? JSON.stringify(entry.response.body) : (entry.response.text ?? '');
      await vscode.commands.executeCommand('openemr.openInViewer', {
        title: `${entry.method} ${entry.path.split('?')[0]}`,
        json,
        serverId: entry.serverId,
        request: {
          method: entry.method,
          url: entry.path,
          status: entry.status,
          timeMs: entry.durationMs,
          sizeBytes: entry.sizeBytes,
        },
      });
      return { opened: true };
    }),
    command('openemr.history.copySnippet', (entry, args, interactive) =>
      copyRequestSnippet(services, entry, snippetArgsOf(args), interactive),
    ),
    command('openemr.history.saveAsFile', async (entry, args) => {
      const content = entryAsRequestFile(entry, services.servers.get(entry.serverId)?.name ?? entry.serverId);
      const target = stringArg(args, 'path');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const file =
        target ??
        (folder ? path.join(folder, `history-${entry.method.toLowerCase()}-${entry.id.slice(0, 8)}.openemr.http`) : undefined);
      let document: vscode.TextDocument;
      if (file) {
        await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(content, 'utf8'));
        document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      } else document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
      if (args?.show !== false) await vscode.window.showTextDocument(document);
      return { uri: document.uri.toString() };
    }),
    command('openemr.history.delete', async (entry) => {
      const deleted = await store.delete(entry.id);
      view.refresh();
      return { deleted };
    }),
    registerArgCommand(services, 'openemr.history.clear', async (args) => {
      if (!args) {
        const sure = await vscode.window.showWarningMessage('Clear the whole request history?', { modal: true }, 'Clear');
        if (sure !== 'Clear') return { cleared: false };
      }
      await store.clear(stringArg(args, 'serverId'));
      view.refresh();
      return { cleared: true };
    }),
    registerArgCommand(services, 'openemr.history.list', async (args) => ({
      entries: await store.list(stringArg(args, 'serverId')),
    })),
  ];
}
