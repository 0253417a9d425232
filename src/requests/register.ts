/** Registers the request runner: `openemr.sendRequest`, request files, the test controller, history and snippets. */
import * as vscode from 'vscode';
import type { AuthServices } from '../auth/createServices';
import { stringArg, type CommandArgs } from '../commands/commandSupport';
import { HistoryStore } from '../core/requests/history';
import { recordUrl } from '../explorer/commands';
import { ExplorerNode } from '../explorer/nodes/base';
import { adoptPlainHttpFiles, parsed } from './files/documents';
import { registerEditorFeatures } from './files/editorFeatures';
import { registerFileCommands } from './files/fileCommands';
import { FileRunner } from './files/fileRunner';
import { ServerChoice } from './files/serverChoice';
import { RequestTests } from './files/testController';
import { registerHistoryCommands } from './history/historyCommands';
import { HistoryProvider } from './history/historyView';
import { RequestRunner } from './runner';
import { selectionOf, treeSelection } from './selection';
import { SendRequestCommand } from './sendCommand';
import type { SendRequestResult } from '../core/requests/send';
import { copyRequestSnippet, copySnippet, snippetArgsOf, snippetHeaders } from './snippetCommands';

export interface RequestsApi {
  runner: RequestRunner;
  tests: RequestTests;
  /**
   * What `openemr.sendRequest` does with an argument object, without `executeCommand` in between: for other
   * extensions and scripts that send many requests (VS Code sends the workbench two messages per command
   * call, which costs more than the rest of a request on loopback). Rejects with the same `OpenEmrError`s.
   */
  sendRequest(args: SendRequestArgsInput): Promise<SendRequestResult>;
}

/** The argument object of `openemr.sendRequest` (checked at run time, as the command checks it). */
export type SendRequestArgsInput = Record<string, unknown>;

export function registerRequests(
  context: vscode.ExtensionContext,
  services: AuthServices,
  tree: vscode.TreeView<ExplorerNode>,
): RequestsApi {
  // Writes wait a quarter second, so that a burst of requests (Send All, a script) costs one write.
  const history = new HistoryStore(context.globalStorageUri.fsPath, undefined, 250);
  const runner = new RequestRunner(services, history);
  const selection = treeSelection(tree);
  const servers = new ServerChoice(services, context.workspaceState, () => selection().serverId);
  const files = new FileRunner(services, runner, servers, selection);
  const tests = new RequestTests(files);
  const historyView = new HistoryProvider(history, services.servers);
  const sendCommand = new SendRequestCommand(services, runner, context.workspaceState, selection);
  context.subscriptions.push(
    runner,
    servers,
    tests,
    adoptPlainHttpFiles(),
    vscode.window.createTreeView('openemr.history', { treeDataProvider: historyView }),
    runner.onDidSend(() => historyView.refreshSoon()),
    sendCommand.register(),
    ...registerEditorFeatures(services, servers),
    ...registerFileCommands(services, files, tests),
    ...registerHistoryCommands(services, runner, historyView),
    vscode.commands.registerCommand('openemr.requests.copySnippet', async (arg?: CommandArgs) => {
      const uri = stringArg(arg, 'uri') ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) throw new Error('Open an OpenEMR request file first.');
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const index = typeof arg?.index === 'number' ? arg.index : 0;
      const block = parsed(document).requests[index];
      if (!block) throw new Error(`The file has no request number ${index + 1}.`);
      const interactive = arg?.interactive === true || arg?.kind === undefined;
      return copyRequestSnippet(services, files.session(document).prepare(block), snippetArgsOf(arg), interactive);
    }),
    vscode.commands.registerCommand('openemr.explorer.copySnippet', async (arg?: unknown) => {
      const node = arg instanceof ExplorerNode ? arg : tree.selection[0];
      if (!node) throw new Error('Select a record in the OpenEMR Servers view first.');
      const serverId = selectionOf(node).serverId;
      if (!serverId) throw new Error('Select a record in the OpenEMR Servers view first.');
      const url = recordUrl(node);
      const relative = services.client(serverId).resolve(url).relative;
      return copySnippet(
        services,
        serverId,
        { method: 'GET', url, headers: snippetHeaders(relative, undefined, false) },
        {},
        true,
      );
    }),
  );
  return { runner, tests, sendRequest: (args) => sendCommand.send(args) };
}
