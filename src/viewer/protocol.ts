/**
 * The typed messages between the viewer's host side (src/viewer) and its webview (src/webview/viewer).
 * Both sides import this file; it holds types and tiny guards only, no vscode and no DOM.
 */

/** The request that produced a document, shown in the viewer's header. */
export interface RequestInfo {
  method: string;
  url: string;
  status: number;
  timeMs: number;
  sizeBytes: number;
}

/** Where a document came from, so a restored panel can find it again. */
export interface DocumentSource {
  serverId: string;
  path: string;
}

/** What the webview keeps in its saved state (vscode.setState): small and secret-free. */
export interface ViewerRestoreState {
  docId: string;
  title: string;
  request?: RequestInfo;
  source?: DocumentSource;
  /** The server whose FHIR API resolves the document's references. */
  serverId?: string;
  /** The JSON text itself when the document is small enough to live in webview state. */
  inlineText?: string;
}

export interface DocumentMessage {
  type: 'document';
  docId: string;
  title: string;
  request?: RequestInfo;
  source?: DocumentSource;
  serverId?: string;
  /** UTF-8 JSON, sent once as bytes; the webview decodes and parses it a single time. */
  bytes: Uint8Array;
  /** True when the webview should keep the text in its state (small documents). */
  keepInline: boolean;
}

export interface ErrorMessage {
  type: 'error';
  title: string;
  message: string;
}

export type HostToWebview = DocumentMessage | ErrorMessage;

/** What the webview reports once a document is on screen; the command returns it to callers. */
export interface RenderSummary {
  docId: string;
  rows: number;
  sizeBytes: number;
  resourceType?: string;
  bundleEntries?: number;
  envelopeErrors: number;
  parseError?: string;
  renderMs: number;
}

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'rendered'; summary: RenderSummary }
  | { type: 'openReference'; reference: string }
  | { type: 'openExternal'; url: string }
  | { type: 'copy'; text: string; what: string }
  | { type: 'openInEditor' };

const webviewMessageTypes = new Set<WebviewToHost['type']>([
  'ready',
  'rendered',
  'openReference',
  'openExternal',
  'copy',
  'openInEditor',
]);

/** Messages from a webview are untrusted input: check the shape before acting on them. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !webviewMessageTypes.has(type as WebviewToHost['type'])) return false;
  const m = value as Record<string, unknown>;
  switch (type) {
    case 'openReference':
      return typeof m.reference === 'string';
    case 'openExternal':
      return typeof m.url === 'string';
    case 'copy':
      return typeof m.text === 'string' && typeof m.what === 'string';
    case 'rendered':
      return typeof m.summary === 'object' && m.summary !== null;
    default:
      return true;
  }
}

export function isRestoreState(value: unknown): value is ViewerRestoreState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return typeof s.docId === 'string' && typeof s.title === 'string';
}
