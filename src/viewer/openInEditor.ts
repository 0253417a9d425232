/**
 * "Open in editor": the document as an untitled JSON editor. VS Code does not sync documents above
 * 50 MB to extensions, so bigger ones are offered as a file (Save As) instead.
 */
import * as vscode from 'vscode';

export const editorSyncLimit = 50 * 1024 * 1024;

export type OpenInEditorResult =
  | { opened: 'editor'; lineCount: number; formatted: boolean }
  | { opened: 'file'; path: string }
  | { opened: 'none'; reason: 'too-large' | 'cancelled' };

/** Pretty-prints when the text is JSON and the result stays under the limit; otherwise keeps it as is. */
export function editorText(text: string): { text: string; formatted: boolean } {
  try {
    const pretty = JSON.stringify(JSON.parse(text), null, 2);
    if (pretty.length <= editorSyncLimit) return { text: pretty, formatted: true };
  } catch {
    // not JSON: show it as it came
  }
  return { text, formatted: false };
}

function safeFileName(title: string): string {
  return `${
    title
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'document'
  }.json`;
}

/** `saveTo` (a file path) skips the dialog, for callers that run without prompts. */
export async function openInEditor(bytes: Uint8Array, title: string, saveTo?: string): Promise<OpenInEditorResult> {
  if (bytes.byteLength <= editorSyncLimit) {
    const { text, formatted } = editorText(new TextDecoder().decode(bytes));
    if (text.length <= editorSyncLimit) {
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
      await vscode.window.showTextDocument(doc, { preview: false });
      return { opened: 'editor', lineCount: doc.lineCount, formatted };
    }
  }
  let target = saveTo ? vscode.Uri.file(saveTo) : undefined;
  if (!target) {
    const size = `${(bytes.byteLength / (1024 * 1024)).toFixed(1)} MB`;
    const choice = await vscode.window.showWarningMessage(
      `This document is ${size}, above VS Code's 50 MB limit for documents opened by extensions, so it cannot open as an untitled editor. Save it to a file instead?`,
      { modal: true },
      'Save As…',
    );
    if (choice !== 'Save As…') return { opened: 'none', reason: 'too-large' };
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, safeFileName(title)) : undefined,
      filters: { JSON: ['json'] },
      saveLabel: 'Save JSON',
    });
    if (!target) return { opened: 'none', reason: 'cancelled' };
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  return { opened: 'file', path: target.fsPath };
}
