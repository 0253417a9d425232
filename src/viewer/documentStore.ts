/**
 * Keeps documents so panels come back after a window reload. Small documents travel inline in the
 * webview's own state; larger ones (a 50 MB Bundle does not fit in webview state) are written once to
 * the extension's global storage as `viewer/<docId>.json`, deleted when their panel closes, and pruned
 * after a week in case a window closed without disposing its panels.
 */
import * as vscode from 'vscode';
import { ownBytes } from './openArgs';

/** Documents up to this size stay inline in webview state. */
export const inlineLimitBytes = 256 * 1024;
const maxAgeMs = 7 * 24 * 60 * 60 * 1000;

export class DocumentStore {
  private readonly folder: vscode.Uri;

  constructor(globalStorage: vscode.Uri) {
    this.folder = vscode.Uri.joinPath(globalStorage, 'viewer');
  }

  keepsInline(bytes: Uint8Array): boolean {
    return bytes.byteLength <= inlineLimitBytes;
  }

  private fileOf(docId: string): vscode.Uri {
    if (!/^[A-Za-z0-9-]+$/.test(docId)) throw new Error('Invalid document id.');
    return vscode.Uri.joinPath(this.folder, `${docId}.json`);
  }

  async save(docId: string, bytes: Uint8Array): Promise<void> {
    if (this.keepsInline(bytes)) return;
    await vscode.workspace.fs.createDirectory(this.folder);
    await vscode.workspace.fs.writeFile(this.fileOf(docId), bytes);
  }

  async load(docId: string): Promise<Uint8Array | undefined> {
    try {
      // readFile may hand back a Node Buffer: make it a plain Uint8Array before it goes to a webview
      return ownBytes(await vscode.workspace.fs.readFile(this.fileOf(docId)));
    } catch {
      return undefined;
    }
  }

  async delete(docId: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.fileOf(docId));
    } catch {
      // inline documents have no file
    }
  }

  async prune(now = Date.now()): Promise<void> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder);
    } catch {
      return;
    }
    for (const [name] of entries) {
      const file = vscode.Uri.joinPath(this.folder, name);
      const stat = await vscode.workspace.fs.stat(file);
      if (now - stat.mtime > maxAgeMs) await vscode.workspace.fs.delete(file);
    }
  }
}
