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

  /** Replaces the browser (undefined restores it). */
  replace(open: OpenUrl | undefined): void {
    this.override = open;
  }
}
