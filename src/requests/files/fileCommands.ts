/**
 * Commands of request files: Send (one request, answer in the viewer), Send All (a test run), remove the
 * Authorization lines that hold a token, and New Request File.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { removeTokenLines, starterFile } from '../../core/requests/checks';
import type { AuthServices } from '../../auth/createServices';
import { pickServer, registerArgCommand, showErrorWithFixes, stringArg, type CommandArgs } from '../../commands/commandSupport';
import { showInViewer } from '../sendCommand';
import { LANGUAGE_ID, parsed } from './documents';
import type { FileRunner } from './fileRunner';
import type { RequestTests, TestOutcome } from './testController';

export interface SendFileRequestResult {
  name?: string;
  status?: number;
  passed: boolean;
  assertions: Array<{ message: string; passed: boolean }>;
  error?: string;
}

async function documentOf(args: CommandArgs | undefined): Promise<vscode.TextDocument> {
  const uri = stringArg(args, 'uri');
  if (uri) return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID)
    throw new Error('Open an OpenEMR request file (*.openemr.http) first.');
  return editor.document;
}

export function registerFileCommands(services: AuthServices, files: FileRunner, tests: RequestTests): vscode.Disposable[] {
  const send = async (args: CommandArgs | undefined): Promise<SendFileRequestResult> => {
    const document = await documentOf(args);
    let index = typeof args?.index === 'number' ? args.index : undefined;
    if (index === undefined) {
      const line = vscode.window.activeTextEditor?.selection.active.line ?? 0;
      index = parsed(document).requests.find((r) => line >= r.startLine && line <= r.endLine)?.index ?? 0;
    }
    const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'OpenEMR: sending' }, () =>
      files.send(document, index),
    );
    if (run.outcome && run.args && args?.show !== false) await showInViewer(run.outcome, run.args.serverId);
    const failed = run.assertions.filter((a) => !a.passed);
    if (run.error) showErrorWithFixes(run.error, run.args?.serverId);
    else if (failed.length) void vscode.window.showWarningMessage(`Assertion failed: ${failed.map((a) => a.message).join('; ')}`);
    return {
      name: run.block.name,
      status: run.outcome?.result.status,
      passed: run.passed,
      assertions: run.assertions.map((a) => ({ message: a.message, passed: a.passed })),
      error: run.error?.message,
    };
  };

  const sendAll = async (args: CommandArgs | undefined): Promise<{ outcomes: TestOutcome[] }> => {
    const document = await documentOf(args);
    return { outcomes: await tests.runFile(document) };
  };

  const removeAuthorization = async (args: CommandArgs | undefined): Promise<{ removed: number }> => {
    const document = await documentOf(args);
    const { text, removed } = removeTokenLines(document.getText(), parsed(document));
    if (removed) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
    }
    return { removed };
  };

  const newFile = async (args: CommandArgs | undefined): Promise<{ uri: string }> => {
    const server = await pickServer(services, args);
    const content = starterFile(server.name);
    let target = stringArg(args, 'path');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!target && folder) {
      const stem = server.name.replace(/[^\w.-]+/g, '-').toLowerCase() || 'requests';
      target = path.join(folder, `${stem}.openemr.http`);
      for (let n = 2; existsSync(target); n++) target = path.join(folder, `${stem}-${n}.openemr.http`);
    }
    let document: vscode.TextDocument;
    if (target) {
      const uri = vscode.Uri.file(target);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
      document = await vscode.workspace.openTextDocument(uri);
    } else document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
    if (args?.show !== false) await vscode.window.showTextDocument(document);
    tests.itemsOf(document);
    return { uri: document.uri.toString() };
  };

  return [
    registerArgCommand(services, 'openemr.requests.send', send),
    registerArgCommand(services, 'openemr.requests.sendAll', sendAll),
    registerArgCommand(services, 'openemr.requests.removeAuthorization', removeAuthorization),
    registerArgCommand(services, 'openemr.requests.newFile', newFile),
  ];
}
