/** Registers the Servers tree (view `openemr.explorer`) and its commands. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ExplorerCommands } from './commands';
import type { ExplorerNode } from './nodes/base';
import { EXPLORER_VIEW_ID, ExplorerProvider } from './provider';
import { sourceFromServices } from './servicesSource';
import type { ExplorerSource } from './source';

/** Handed to the extension's exports, so tests can read the tree through getChildren/getTreeItem. */
export interface ExplorerApi {
  provider: ExplorerProvider;
  view: vscode.TreeView<ExplorerNode>;
}

export function registerExplorer(context: vscode.ExtensionContext, services: Services): ExplorerApi {
  const source = sourceFromServices(services);
  return registerExplorerFor(context, source, [source]);
}

/** The same over any ExplorerSource. */
export function registerExplorerFor(
  context: vscode.ExtensionContext,
  source: ExplorerSource,
  owned: vscode.Disposable[] = [],
): ExplorerApi {
  const provider = new ExplorerProvider(source);
  const view = vscode.window.createTreeView(EXPLORER_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const commands = new ExplorerCommands(provider, view, context.globalStorageUri);
  context.subscriptions.push(
    ...owned,
    provider,
    view,
    ...commands.register(),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('openemr.explorer')) provider.refresh();
    }),
  );
  return { provider, view };
}
