/**
 * The viewer's panels: opens documents (given or fetched), one panel per document or one reused
 * preview panel, restores panels after a reload, and answers what the webviews ask for.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { showErrorWithFixes } from '../commands/commandSupport';
import type { DocumentStore } from './documentStore';
import type { ViewerFetcher } from './fetcher';
import { openInEditor, type OpenInEditorResult } from './openInEditor';
import { ownBytes, parseOpenArgs, type OpenRequest } from './openArgs';
import { isRestoreState, type RenderSummary, type WebviewToHost } from './protocol';
import { readableTitle, resolveReference, sourceKey } from './references';
import { ViewerPanel, viewerViewType, webviewOptions, type ViewerDocument } from './viewerPanel';

export interface OpenViewerResult {
  panelId: string;
  title: string;
  sizeBytes: number;
  /** Document messages posted to this panel so far (one per page load). */
  documentMessages: number;
  /** What the webview reported once it drew the document (undefined if it did not within the wait). */
  rendered?: RenderSummary;
}

/** How long `open` waits for the webview's render report: longer for large documents on a busy machine. */
const renderWaitMs = (bytes: number): number => 15_000 + Math.ceil(bytes / 1_000_000) * 1_000;

/** Without an argument (from the Command Palette) the viewer shows the active editor's text. */
function activeEditorDocument(): { title: string; json: string } {
  const doc = (vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0])?.document;
  if (!doc) throw new Error('Open a JSON file first, or run openemr.openInViewer with { title, json } or { serverId, path }.');
  return { title: doc.uri.path.split('/').pop() || 'JSON document', json: doc.getText() };
}

export class ViewerPanels implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, ViewerPanel>();
  private lastActive: ViewerPanel | undefined;
  private fetcher: ViewerFetcher | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: DocumentStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  setFetcher(fetcher: ViewerFetcher | undefined): void {
    this.fetcher = fetcher;
  }

  async open(arg: unknown): Promise<OpenViewerResult> {
    const request = parseOpenArgs(arg ?? activeEditorDocument());
    const document = await this.toDocument(request);
    const panel = this.panelFor(document);
    await this.show(panel, document);
    const rendered = await panel.whenRendered(document.docId, renderWaitMs(document.bytes.byteLength));
    return {
      panelId: panel.id,
      title: document.title,
      sizeBytes: document.bytes.byteLength,
      documentMessages: panel.documentMessages,
      rendered,
    };
  }

  /**
   * After a write: every panel fetched from `path` of the server (with any query) shows the server's
   * version again. A record deleted since shows OpenEMR's answer to the GET, as any error answer does.
   */
  async refreshPath(serverId: string, path: string): Promise<number> {
    const showing = [...this.panels.values()].filter((p) => {
      const source = p.document?.source;
      return source?.serverId === serverId && (source.path === path || source.path.startsWith(`${path}?`));
    });
    for (const panel of showing) {
      const { source, title } = panel.document!;
      await this.show(panel, await this.toDocument({ kind: 'remote', serverId, path: source!.path, title }));
    }
    return showing.length;
  }

  async openInEditor(arg: unknown): Promise<OpenInEditorResult> {
    const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { panelId?: unknown; saveTo?: unknown };
    const panel = typeof a.panelId === 'string' ? this.panels.get(a.panelId) : this.lastActive;
    if (!panel?.document) throw new Error('No OpenEMR viewer panel is open.');
    return openInEditor(panel.document.bytes, panel.document.title, typeof a.saveTo === 'string' ? a.saveTo : undefined);
  }

  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    webviewPanel.webview.options = webviewOptions(this.extensionUri);
    const panel = this.track(new ViewerPanel(webviewPanel, this.extensionUri, this.handlers()));
    if (!isRestoreState(state)) {
      panel.showError('OpenEMR Viewer', 'This panel has no saved document. Open the response again.');
      return;
    }
    const inline = state.inlineText !== undefined ? ownBytes(state.inlineText) : undefined;
    let bytes = inline ?? (await this.store.load(state.docId));
    let request = state.request;
    if (!bytes && state.source && this.fetcher) {
      const fetched = await this.fetch(state.source.serverId, state.source.path);
      bytes = fetched.bytes;
      request = fetched.request;
    }
    if (!bytes) {
      panel.showError(state.title, 'The document is no longer stored. Open the response again.');
      return;
    }
    panel.show({ ...state, bytes, request, keepInline: this.store.keepsInline(bytes) });
  }

  private handlers(): ConstructorParameters<typeof ViewerPanel>[2] {
    return {
      onMessage: (panel, message) => void this.answer(panel, message),
      onDispose: (panel) => {
        this.panels.delete(panel.id);
        if (this.lastActive === panel) this.lastActive = undefined;
        if (panel.document) void this.store.delete(panel.document.docId);
      },
    };
  }

  private track(panel: ViewerPanel): ViewerPanel {
    this.panels.set(panel.id, panel);
    this.lastActive = panel;
    panel.panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.lastActive = panel;
    });
    return panel;
  }

  /** The reused preview panel, the panel already showing this fetched path, or a new one. */
  private panelFor(document: ViewerDocument): ViewerPanel {
    const reuse = vscode.workspace.getConfiguration('openemr.viewer').get<boolean>('reusePanel', false);
    let panel = reuse ? (this.lastActive ?? [...this.panels.values()].pop()) : undefined;
    if (!panel && document.source) {
      const key = sourceKey(document.source);
      panel = [...this.panels.values()].find((p) => p.document?.source && sourceKey(p.document.source) === key);
    }
    if (panel) {
      panel.panel.reveal();
      return panel;
    }
    const created = vscode.window.createWebviewPanel(
      viewerViewType,
      document.title,
      vscode.ViewColumn.Active,
      webviewOptions(this.extensionUri),
    );
    return this.track(new ViewerPanel(created, this.extensionUri, this.handlers()));
  }

  private async show(panel: ViewerPanel, document: ViewerDocument): Promise<void> {
    const previous = panel.document;
    await this.store.save(document.docId, document.bytes);
    panel.show(document);
    if (previous && previous.docId !== document.docId) void this.store.delete(previous.docId);
  }

  private async toDocument(request: OpenRequest): Promise<ViewerDocument> {
    const docId = randomUUID();
    if (request.kind === 'document') {
      const { title, bytes, serverId } = request;
      return { docId, title, bytes, request: request.request, serverId, keepInline: this.store.keepsInline(bytes) };
    }
    const { bytes, request: info } = await this.fetch(request.serverId, request.path);
    return {
      docId,
      title: request.title ?? readableTitle(bytes) ?? request.path,
      bytes,
      request: info,
      source: { serverId: request.serverId, path: request.path },
      serverId: request.serverId,
      keepInline: this.store.keepsInline(bytes),
    };
  }

  private async fetch(serverId: string, path: string): Promise<Pick<ViewerDocument, 'bytes' | 'request'>> {
    const fetcher = this.fetcher;
    if (!fetcher) {
      throw new Error(
        `Cannot fetch ${path}: no signed-in OpenEMR connection is available to the viewer. Sign in to the server first, or open a saved document with { title, json }.`,
      );
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `OpenEMR: GET ${path}`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          const answer = await fetcher.get(serverId, path, abort.signal);
          const bytes = ownBytes(answer.body);
          const { method, url, status, timeMs, sizeBytes } = answer;
          this.log.info(`viewer: ${method} ${url} -> ${status} (${bytes.byteLength} bytes)`);
          return { bytes, request: { method, url, status, timeMs, sizeBytes } };
        } finally {
          subscription.dispose();
        }
      },
    );
  }

  private async answer(panel: ViewerPanel, message: Exclude<WebviewToHost, { type: 'ready' | 'rendered' }>): Promise<void> {
    try {
      switch (message.type) {
        case 'copy':
          await vscode.env.clipboard.writeText(message.text);
          vscode.window.setStatusBarMessage(`OpenEMR: copied ${message.what}`, 2500);
          return;
        case 'openInEditor':
          await this.openInEditor({ panelId: panel.id });
          return;
        case 'openExternal':
          await this.confirmExternal(message.url);
          return;
        case 'openReference':
          await this.followReference(panel, message.reference);
          return;
      }
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.warn(`viewer: ${message.type} failed: ${text}`);
      showErrorWithFixes(error, panel.document?.serverId);
    }
  }

  private async followReference(panel: ViewerPanel, reference: string): Promise<void> {
    const doc = panel.document;
    const target = resolveReference(reference, doc?.serverId, doc?.request?.url);
    if (target.kind === 'unavailable') throw new Error(target.reason);
    if (target.kind === 'external') {
      await this.confirmExternal(target.url);
      return;
    }
    // Untitled: the fetched resource names the tab, as the tree's tabs are named.
    await this.open({ serverId: target.serverId, path: target.path });
  }

  /** http(s) links open in the browser only after the user says yes. */
  private async confirmExternal(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('The viewer only opens http and https links.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error('The viewer only opens http and https links.');
    const choice = await vscode.window.showInformationMessage(
      `Open ${parsed.toString()} in your browser?`,
      { modal: true },
      'Open',
    );
    if (choice === 'Open') await vscode.env.openExternal(vscode.Uri.parse(parsed.toString()));
  }
}
