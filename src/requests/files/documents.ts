/** Which documents are request files, and their parsed form (cached per document version). */
import * as vscode from 'vscode';
import { parseHttpFile, type HttpFile } from '../../core/requests/httpFile';

export const LANGUAGE_ID = 'openemr-http';
export const SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }];

const cache = new WeakMap<vscode.TextDocument, { version: number; file: HttpFile }>();

export function parsed(document: vscode.TextDocument): HttpFile {
  const hit = cache.get(document);
  if (hit && hit.version === document.version) return hit.file;
  const file = parseHttpFile(document.getText());
  cache.set(document, { version: document.version, file });
  return file;
}

export function isRequestFile(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}

function plainHttpOptIn(): boolean {
  return vscode.workspace.getConfiguration('openemr.requests').get<boolean>('plainHttpFiles', false);
}

/** With `openemr.requests.plainHttpFiles`, a plain `*.http` file becomes a request file when opened. */
export function adoptPlainHttpFiles(): vscode.Disposable {
  const adopt = (document: vscode.TextDocument): void => {
    if (plainHttpOptIn() && document.uri.path.endsWith('.http') && document.languageId !== LANGUAGE_ID)
      void vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
  };
  vscode.workspace.textDocuments.forEach(adopt);
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument(adopt),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('openemr.requests.plainHttpFiles')) vscode.workspace.textDocuments.forEach(adopt);
    }),
  );
}
