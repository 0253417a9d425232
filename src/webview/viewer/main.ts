/** Webview entry: connects the page to the host over the typed protocol (ready handshake first). */
import type { HostToWebview, ViewerRestoreState, WebviewToHost } from '../../viewer/protocol';
import { ViewerApp } from './app';
import { warmUpScanner } from './lazyJson';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  setState(state: ViewerRestoreState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/**
 * Content Security Policy violations of this page: none is expected (everything from a server is inserted
 * as text). They are kept where the UI tests read them, and in the webview's developer console.
 */
const cspViolations: string[] = [];
(window as unknown as { openemrCspViolations: string[] }).openemrCspViolations = cspViolations;
document.addEventListener('securitypolicyviolation', (event) => {
  cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
  console.warn(`OpenEMR viewer: content security policy blocked ${event.violatedDirective} ${event.blockedURI}`);
});

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
const app = new ViewerApp(root, {
  post: (message) => vscode.postMessage(message),
  setState: (state) => vscode.setState(state),
});

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  // Timings for the profiling script (test/bench/viewer/profile.ts), in the page's performance timeline.
  performance.clearMarks();
  performance.clearMeasures();
  performance.mark('viewer:message');
  const message = event.data;
  performance.measure('viewer:data', 'viewer:message');
  if (message?.type === 'document') {
    if (!(message.bytes instanceof Uint8Array)) {
      app.showError(message.title, 'The document did not arrive as bytes.');
      return;
    }
    const summary = app.load(message);
    // Report after the browser has painted, so the time measures what the user sees.
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.measure('viewer:rendered', 'viewer:message');
        vscode.postMessage({ type: 'rendered', summary });
        setTimeout(() => app.afterFirstPaint(), 0);
      }, 0),
    );
  } else if (message?.type === 'error') {
    app.showError(message.title, message.message);
  }
});

app.showLoading();
vscode.postMessage({ type: 'ready' });
// A few milliseconds while the host sends the document: the big-document scan is compiled before it arrives
warmUpScanner();
