// Shared by the write and export tests: signed-in servers and walking the Servers tree by labels.
import * as vscode from 'vscode';
import { BULK_EXPORT_SCOPES } from '../../src/core';
import { activateExtension, executeCommand, simControl, simUrl, waitFor } from './helpers';

export interface TreeNode {
  id: string;
  parent?: TreeNode;
}
interface Explorer {
  provider: vscode.TreeDataProvider<TreeNode>;
}
export interface TreeRow {
  node: TreeNode;
  item: vscode.TreeItem;
  label: string;
}

let explorer: Explorer | undefined;

async function tree(): Promise<Explorer> {
  explorer ??= ((await activateExtension()).exports as { explorer: Explorer }).explorer;
  return explorer;
}

export async function childRows(node?: TreeNode): Promise<TreeRow[]> {
  const { provider } = await tree();
  const children = (await provider.getChildren(node)) ?? [];
  return Promise.all(
    children.map(async (child) => {
      const item = await provider.getTreeItem(child);
      return { node: child, item, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? '') };
    }),
  );
}

/** Follows labels (or, for `0`, the first row) down from a server's row. */
export async function treeRow(serverId: string, ...path: Array<string | 0>): Promise<TreeRow> {
  let row = await waitFor(
    async () =>
      (await childRows()).find((r) => r.node.id === `server:${serverId}` && /signed in/.test(String(r.item.description))),
    15_000,
    `server ${serverId} signed in`,
  );
  for (const step of path) {
    const all = await childRows(row.node);
    const next = step === 0 ? all[0] : all.find((r) => r.label === step);
    if (!next) throw new Error(`no "${String(step)}" under ${row.label}: ${all.map((r) => r.label).join(' | ')}`);
    row = next;
  }
  return row;
}

export async function addSimServer(name: string): Promise<string> {
  return (await executeCommand<{ serverId: string }>('openemr.addServer', { baseUrl: simUrl(), name })).serverId;
}

/** A server signed in with the password grant and these user scopes. */
export async function userServer(name: string, scopes: string[]): Promise<string> {
  const serverId = await addSimServer(name);
  const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>(
    'openemr.registerClient',
    {
      serverId,
      applicationType: 'private',
      scopes,
    },
  );
  if (enabled !== true) await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
  await executeCommand('openemr.login', {
    serverId,
    grant: 'password',
    userRole: 'users',
    username: 'admin',
    password: 'pass',
    scopes,
  });
  return serverId;
}

export const WRITE_SCOPES = [
  'openid',
  'offline_access',
  'api:oemr',
  'api:fhir',
  ...['patient', 'encounter', 'allergy', 'medical_problem'].flatMap((r) => [`user/${r}.read`, `user/${r}.write`]),
  'user/Patient.read',
];

export const EXPORT_SCOPES = ['system/Patient.read', 'system/Group.read', ...BULK_EXPORT_SCOPES];

/** A backend-service server: a private_key_jwt client with the export scopes, signed in with client credentials. */
export async function backendServer(name: string): Promise<string> {
  await simControl('globals', { rest_system_scopes_api: 1 });
  const serverId = await addSimServer(name);
  const { clientId } = await executeCommand<{ clientId: string }>('openemr.registerClient', {
    serverId,
    applicationType: 'private',
    scopes: EXPORT_SCOPES,
    tokenEndpointAuthMethod: 'private_key_jwt',
  });
  await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
  await executeCommand('openemr.login', { serverId, grant: 'clientCredentials' });
  return serverId;
}

/** The text of an open document, by URI. */
export function openDocument(uri: string): vscode.TextDocument {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (!doc) throw new Error(`${uri} is not open`);
  return doc;
}

/** Replaces the value of a top-level string field in an open JSON document (an unsaved edit, as typing would make). */
export async function setField(uri: string, field: string, value: string): Promise<void> {
  const doc = openDocument(uri);
  const text = doc.getText();
  const m = new RegExp(`("${field}":\\s*)("(?:[^"\\\\]|\\\\.)*"|null|-?\\d+)`).exec(text);
  if (!m) throw new Error(`no field ${field} in ${text.slice(0, 200)}`);
  const start = doc.positionAt(m.index + m[1]!.length);
  const end = doc.positionAt(m.index + m[0].length);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(start, end), JSON.stringify(value));
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('edit not applied');
}

export function fieldOf(uri: string, field: string): unknown {
  return (JSON.parse(openDocument(uri).getText()) as Record<string, unknown>)[field];
}
