/**
 * The write commands: Edit (a record as an `openemr:` document), Save (with the diff and the conflict
 * check), New... (a document from the route's template, or a direct POST with `confirm: true`) and Delete
 * (after typing the record's display name). Each takes a tree row, an argument object, or prompts.
 */
import * as vscode from 'vscode';
import {
  createdPath,
  createRoute,
  isObject,
  OpenEmrError,
  readRecord,
  recordDisplayName,
  recordWrites,
  sendWrite,
  type JsonObject,
} from '../core';
import type { AuthServices } from '../auth/createServices';
import type { ExplorerProvider } from '../explorer/provider';
import type { ViewerController } from '../viewer/register';
import { orCancel, pickServer, registerArgCommand, stringArg, type CommandArgs } from '../commands/commandSupport';
import { RecordDocuments, SCHEME, type SaveResult } from './recordDocuments';
import { nodeTarget, type NodeTarget } from './targets';

function requirePath(args: CommandArgs | undefined, target: NodeTarget | undefined, key: 'path' | 'listPath'): string {
  const path = (key === 'path' ? target?.path : target?.listPath) ?? stringArg(args, 'path');
  if (!path)
    throw new OpenEmrError('invalid-request', 'The argument "path" is required', {
      fix: 'Pass { serverId, path } with a path relative to /apis/{site}, such as /api/patient/{puuid}, or use the tree.',
    });
  return path;
}

function docUri(args: CommandArgs | undefined): vscode.Uri {
  const given = stringArg(args, 'uri') ?? vscode.window.activeTextEditor?.document.uri.toString();
  const uri = given ? vscode.Uri.parse(given) : undefined;
  if (!uri || uri.scheme !== SCHEME)
    throw new OpenEmrError('invalid-request', 'No OpenEMR document to save', {
      fix: 'Pass { uri } of a document opened with openemr.editRecord, or run the command in its editor.',
    });
  return uri;
}

/** Saves the editor of a document a command already wrote to OpenEMR (no second request); waits until it is clean. */
async function saveEditor(uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc?.isDirty) return;
  // save() can answer false while the workbench still completes the save; wait for the clean state.
  await doc.save();
  for (let waited = 0; doc.isDirty && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

/** Saves what the document holds through a command: `confirm: true` sends, otherwise only the diff comes back. */
async function saveByCommand(docs: RecordDocuments, args: CommandArgs | undefined, interactive: boolean): Promise<SaveResult> {
  const uri = docUri(args);
  const text = docs.textOf(uri);
  if (interactive) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    await open?.save();
    return { status: 'not-sent', changes: [] };
  }
  const confirm = args?.confirm === true;
  const overwrite = args?.overwrite === true;
  const result = await docs.save(uri, text, {
    onConflict: () => Promise.resolve(overwrite ? 'overwrite' : 'stop'),
    confirm: () => Promise.resolve(confirm),
  });
  if (result.status === 'cancelled') return { ...result, status: 'not-sent' };
  if (typeof result.status === 'number' && !result.problems) {
    docs.markAccepted(uri, text);
    await saveEditor(uri);
  }
  return result;
}

async function deleteRecord(
  services: AuthServices,
  docs: RecordDocuments,
  args: CommandArgs | undefined,
  interactive: boolean,
): Promise<{ status: number; path: string }> {
  const target = nodeTarget(args?.node ?? args);
  const serverId = target?.serverId ?? (await pickServer(services, args)).id;
  const path = requirePath(args, target, 'path');
  if (!recordWrites(path).delete)
    throw new OpenEmrError('method-not-supported', `OpenEMR has no route that deletes ${path}`, {
      explanation: 'Only records whose route has a DELETE in OpenEMR can be deleted.',
      fix: 'See docs/writing.md for the kinds of records OpenEMR deletes.',
    });
  const client = services.client(serverId);
  const record = await readRecord(client, path).catch(() => ({}) as JsonObject);
  const name = Object.keys(record).length ? recordDisplayName(record) : (path.split('/').pop() ?? path);
  const typed = interactive
    ? orCancel(
        await vscode.window.showInputBox({
          title: `Delete ${name}?`,
          prompt: `This sends DELETE ${path} to OpenEMR and cannot be undone. Type "${name}" to confirm.`,
          validateInput: (v) => (v === name ? undefined : `Type "${name}" exactly`),
        }),
      )
    : stringArg(args, 'confirm');
  if (typed !== name)
    throw new OpenEmrError('invalid-request', `Not deleted: the confirmation must be the record's display name "${name}"`, {
      fix: `Pass { confirm: "${name}" }.`,
    });
  const res = await sendWrite(client, 'DELETE', path);
  if (!res.ok) throw res.error ?? new OpenEmrError('unexpected', `DELETE ${path} answered ${res.status}`);
  docs.forget(serverId, path);
  await docs.refreshAfterWrite(serverId, target?.node, 'delete', path);
  return { status: res.status, path };
}

async function createRecord(
  services: AuthServices,
  docs: RecordDocuments,
  args: CommandArgs | undefined,
): Promise<{ uri: string } | { status: number; created: { path?: string }; validationErrors?: unknown }> {
  const target = nodeTarget(args?.node ?? args);
  const serverId = target?.serverId ?? (await pickServer(services, args)).id;
  const listPath = requirePath(args, target, 'listPath');
  const body = isObject(args?.body) ? args.body : undefined;
  if (!body || args?.confirm !== true) return { uri: (await docs.openNew(serverId, listPath, body, target?.node)).toString() };
  if (!createRoute(listPath))
    throw new OpenEmrError('method-not-supported', `OpenEMR has no route that creates records in ${listPath}`, {
      fix: 'Use the list path of a group that has New... in the tree.',
    });
  const res = await sendWrite(services.client(serverId), 'POST', listPath, body);
  if (!res.ok) {
    if (res.validationErrors) return { status: res.status, created: {}, validationErrors: res.validationErrors };
    throw res.error ?? new OpenEmrError('unexpected', `POST ${listPath} answered ${res.status}`);
  }
  await docs.refreshAfterWrite(serverId, target?.node, 'create', listPath);
  return { status: res.status, created: { path: createdPath(listPath, res.data, res.headers) } };
}

/** A tree menu command: the row it was invoked on, handed to `target` as `{ node, interactive: true }`. */
export function registerTreeCommand(id: string, target: string): vscode.Disposable {
  return vscode.commands.registerCommand(id, (node: unknown) =>
    vscode.commands.executeCommand(target, { node, interactive: true }),
  );
}

export function registerDocuments(
  context: vscode.ExtensionContext,
  services: AuthServices,
  explorer: ExplorerProvider,
  viewer: Pick<ViewerController, 'refreshPath'>,
): RecordDocuments {
  const docs = new RecordDocuments(services, explorer, viewer);
  context.subscriptions.push(
    docs,
    registerArgCommand(services, 'openemr.editRecord', async (args) => {
      const target = nodeTarget(args?.node ?? args);
      const serverId = target?.serverId ?? (await pickServer(services, args)).id;
      const path =
        target?.path ??
        stringArg(args, 'path') ??
        orCancel(await vscode.window.showInputBox({ prompt: 'Path of the record, e.g. /api/patient/{puuid}' }));
      return { uri: (await docs.openRecord(serverId, path, target?.node)).toString() };
    }),
    registerArgCommand(services, 'openemr.saveRecord', (args, t) => saveByCommand(docs, args, t.interactive)),
    registerArgCommand(services, 'openemr.createRecord', (args) => createRecord(services, docs, args)),
    registerArgCommand(services, 'openemr.deleteRecord', (args, t) => deleteRecord(services, docs, args, t.interactive)),
    registerTreeCommand('openemr.explorer.editRecord', 'openemr.editRecord'),
    registerTreeCommand('openemr.explorer.newRecord', 'openemr.createRecord'),
    registerTreeCommand('openemr.explorer.deleteRecord', 'openemr.deleteRecord'),
  );
  return docs;
}
