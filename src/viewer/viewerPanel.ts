/** One viewer webview panel: the ready handshake, posting its document once per page load, its messages. */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { localResourceRoots, viewerHtml } from './html';
import {
  isWebviewToHost,
  type DocumentSource,
  type HostToWebview,
  type RenderSummary,
  type RequestInfo,
  type WebviewToHost,
} from './protocol';

export const viewerViewType = 'openemr.viewer';

export interface ViewerDocument {
  docId: string;
  title: string;
  bytes: Uint8Array;
  request?: RequestInfo;
  /** Set for documents fetched from a server: lets a restored panel fetch it again. */
  source?: DocumentSource;
  /** The server whose FHIR API resolves this document's references. */
  serverId?: string;
  keepInline: boolean;
}

export interface ViewerPanelHandlers {
  onMessage(panel: ViewerPanel, message: Exclude<WebviewToHost, { type: 'ready' | 'rendered' }>): void;
  onDispose(panel: ViewerPanel): void;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
}

export class ViewerPanel {
  readonly id = randomUUID();
  document: ViewerDocument | undefined;
  /** How many document messages went to the webview (one per page load of a document). */
  documentMessages = 0;
  lastRender: RenderSummary | undefined;
  private ready = false;
  private pending: HostToWebview | undefined;
  private readonly renderWaiters = new Map<string, Array<(summary: RenderSummary) => void>>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly handlers: ViewerPanelHandlers,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'openemr.svg');
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    panel.onDidDispose(() => handlers.onDispose(this));
    panel.webview.html = viewerHtml(panel.webview, extensionUri);
  }

  show(document: ViewerDocument): void {
    this.document = document;
    this.panel.title = document.title;
    this.post({
      type: 'document',
      docId: document.docId,
      title: document.title,
      request: document.request,
      source: document.source,
      serverId: document.serverId,
      bytes: document.bytes,
      keepInline: document.keepInline,
    });
  }

  showError(title: string, message: string): void {
    this.panel.title = title;
    this.post({ type: 'error', title, message });
  }

  /** Resolves with the webview's report once it has drawn `docId`, or undefined after `timeoutMs`. */
  whenRendered(docId: string, timeoutMs: number): Promise<RenderSummary | undefined> {
    if (this.lastRender?.docId === docId) return Promise.resolve(this.lastRender);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const waiters = this.renderWaiters.get(docId) ?? [];
      waiters.push((summary) => {
        clearTimeout(timer);
        resolve(summary);
      });
      this.renderWaiters.set(docId, waiters);
    });
  }

  private post(message: HostToWebview): void {
    this.pending = message;
    if (!this.ready) return; // sent on the next 'ready'
    if (message.type === 'document') this.documentMessages++;
    void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) return;
    if (message.type === 'ready') {
      // Also after the panel was hidden and shown again: the page reloads and needs its document.
      this.ready = true;
      if (this.pending) this.post(this.pending);
    } else if (message.type === 'rendered') {
      this.lastRender = message.summary;
      const waiters = this.renderWaiters.get(message.summary.docId) ?? [];
      this.renderWaiters.delete(message.summary.docId);
      for (const resolve of waiters) resolve(message.summary);
    } else {
      this.handlers.onMessage(this, message);
    }
  }
}
