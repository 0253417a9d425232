/** The viewer page for a webview: a fresh nonce, the script and style from the extension's own folders. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { viewerPage } from './page';

export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function viewerHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return viewerPage({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'viewer.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'viewer.css')).toString(),
    nonce: randomBytes(16).toString('base64'),
  });
}
