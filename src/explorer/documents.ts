/** "Download and open" for a patient document: GET the file, save it under the extension's storage, open it. */
import * as vscode from 'vscode';
import type { LeafNode } from './nodes/leafNode';

/** A file name safe on every platform, from the server's name for it. */
export function safeFileName(name: string, fallback: string): string {
  const printable = [...name].map((ch) => (ch.charCodeAt(0) < 32 ? '_' : ch)).join('');
  const cleaned = printable
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return cleaned || fallback;
}

export async function saveDocument(leaf: LeafNode, storage: vscode.Uri): Promise<vscode.Uri> {
  const client = leaf.scope.client;
  const res = await client.request('GET', leaf.path!);
  if (res.error) throw res.error;
  const folder = vscode.Uri.joinPath(storage, 'documents', safeFileName(leaf.scope.server.id, 'server'));
  await vscode.workspace.fs.createDirectory(folder);
  const name = safeFileName(String(leaf.row.filename ?? ''), `document-${leaf.recordId}`);
  const uri = vscode.Uri.joinPath(folder, `${safeFileName(leaf.recordId, 'doc')}-${name}`);
  await vscode.workspace.fs.writeFile(uri, res.bytes);
  return uri;
}
