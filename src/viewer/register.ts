/** Registers the JSON viewer: its commands and the serializer that restores panels after a reload. */
import * as vscode from 'vscode';
import { showErrorWithFixes } from '../commands/commandSupport';
import { DocumentStore } from './documentStore';
import type { ViewerFetcher } from './fetcher';
import { viewerViewType } from './viewerPanel';
import { ViewerPanels } from './viewerPanels';

export interface ViewerController {
  /** Wires the authenticated GET used by `{ serverId, path }` and by FHIR reference links. */
  setFetcher(fetcher: ViewerFetcher | undefined): void;
  /** Fetches again every open panel showing `path` of the server (after a write); returns how many. */
  refreshPath(serverId: string, path: string): Promise<number>;
}

export function registerViewer(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  fetcher?: ViewerFetcher,
): ViewerController {
  const store = new DocumentStore(context.globalStorageUri);
  const panels = new ViewerPanels(context.extensionUri, store, log);
  panels.setFetcher(fetcher);
  void store.prune();
  const reportFailure = (error: unknown): never => {
    const text = error instanceof Error ? error.message : String(error);
    log.warn(`viewer: ${text}`);
    showErrorWithFixes(error);
    throw error;
  };
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(viewerViewType, panels),
    vscode.commands.registerCommand('openemr.openInViewer', (arg: unknown) => panels.open(arg).catch(reportFailure)),
    vscode.commands.registerCommand('openemr.viewer.openInEditor', (arg: unknown) =>
      panels.openInEditor(arg).catch(reportFailure),
    ),
  );
  return {
    setFetcher: (f) => panels.setFetcher(f),
    // A panel that cannot be fetched again keeps what it showed; the write itself succeeded.
    refreshPath: (serverId, path) =>
      panels.refreshPath(serverId, path).catch((error: unknown) => {
        log.warn(
          `viewer: could not fetch ${path} again after a write: ${error instanceof Error ? error.message : String(error)}`,
        );
        return 0;
      }),
  };
}
