/**
 * Opens URLs in the system browser (the authorization page, the admin page). Replaceable, so integration
 * tests can complete the sign-in page over HTTP instead of a real browser (see the extension's exports).
 */
import * as vscode from 'vscode';

export type OpenUrl = (url: string) => Promise<unknown>;

export class BrowserOpener {
  private override: OpenUrl | undefined;

  async open(url: string): Promise<void> {
    if (this.override) {
      await this.override(url);
      return;
    }
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
    if (!opened) throw new Error('The browser could not be opened (the request was declined).');
  }

  /**
   * Opens an authorize URL. A window that reaches localhost addresses through a proxy (code-server,
   * Codespaces) rewrites every localhost URL it opens, e.g. to http://host/proxy/8300/oauth2/…; OpenEMR's
   * sign-in pages do not work at such an address (their forms, redirects and the `aud` check name the
   * real one). There the listener's start page, which the proxy does reach, is opened instead: it sends
   * the browser on to the authorize URL unchanged.
   */
  async openAuthorization(url: string, startUri: string): Promise<void> {
    if (this.override) return this.open(url);
    const target = vscode.Uri.parse(url);
    const external = await vscode.env.asExternalUri(target);
    await this.open(external.toString() === target.toString() ? url : startUri);
  }

  /** Replaces the browser (undefined restores it). */
  replace(open: OpenUrl | undefined): void {
    this.override = open;
  }
}
