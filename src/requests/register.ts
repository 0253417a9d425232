/** Registers the request runner: `openemr.sendRequest`, request files, the test controller, history and snippets. */
import * as vscode from 'vscode';
import type { AuthServices } from '../auth/createServices';
import type { ExplorerNode } from '../explorer/nodes/base';
import { HistoryStore } from '../core/requests/history';
import { RequestRunner } from './runner';
import { treeSelection } from './selection';
import { SendRequestCommand } from './sendCommand';

export interface RequestsApi {
  runner: RequestRunner;
}

export function registerRequests(
  context: vscode.ExtensionContext,
  services: AuthServices,
  tree: vscode.TreeView<ExplorerNode>,
): RequestsApi {
  const history = new HistoryStore(context.globalStorageUri.fsPath);
  const runner = new RequestRunner(services, history);
  const selection = treeSelection(tree);
  context.subscriptions.push(runner, new SendRequestCommand(services, runner, context.workspaceState, selection).register());
  return { runner };
}
