// What the hardening suites share: tree access as VS Code reads it, timed outcomes of commands, and a line
// printed by the harness (it keeps extension-host console lines with the test prefix).
import * as vscode from 'vscode';
import { USER_SCOPES } from '../unit/core/sim-helpers';
import { activateExtension, executeCommand, simControl } from './helpers';
import type { Outcome } from '../hostile/judge';

export interface Node {
  id: string;
  parent?: Node;
}
export interface Row {
  node: Node;
  item: vscode.TreeItem;
  label: string;
}
interface ExplorerApi {
  provider: vscode.TreeDataProvider<Node>;
}

/** Prints a line in the test run's output. */
export function report(line: string): void {
  console.log(`[test] ${line}`);
}

let explorer: ExplorerApi | undefined;
async function provider(): Promise<vscode.TreeDataProvider<Node>> {
  explorer ??= ((await activateExtension()).exports as { explorer: ExplorerApi }).explorer;
  return explorer.provider;
}

export async function rows(node?: Node): Promise<Row[]> {
  const p = await provider();
  const children = (await p.getChildren(node)) ?? [];
  return Promise.all(
    children.map(async (child) => {
      const item = await p.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { node: child, item, label };
    }),
  );
}

/** Plain text of a tooltip (MarkdownString text is escaped). */
export function tooltipText(item: vscode.TreeItem): string {
  const t = item.tooltip;
  const raw = typeof t === 'string' ? t : (t?.value ?? '');
  return raw.replace(/\\([\\`*_{}[\]()#+\-.!<>|~:])/g, '$1').replace(/&nbsp;/g, ' ');
}

/** The rows under a path of labels from the server's row (e.g. ['FHIR', 'Patient']), loaded afresh. */
export async function loadGroup(serverId: string, labels: string[]): Promise<Row[]> {
  let node = (await rows()).find((r) => r.node.id === `server:${serverId}`)?.node;
  for (const label of labels) {
    if (!node) break;
    node = (await rows(node)).find((r) => r.label === label)?.node;
  }
  if (!node) throw new Error(`no ${labels.join(' > ')} under server ${serverId}`);
  await executeCommand('openemr.explorer.refresh', node);
  return rows(node);
}

/** Runs a command and times it; an error (thrown, or reported by `reported`) goes into the outcome. */
export async function timed<T>(
  via: string,
  run: () => Promise<T>,
  reported?: (result: T) => string | undefined,
): Promise<Outcome & { result?: T }> {
  const started = performance.now();
  try {
    const result = await run();
    const message = reported?.(result);
    return { via, ms: Math.round(performance.now() - started), result, error: message ? { message } : undefined };
  } catch (err) {
    return {
      via,
      ms: Math.round(performance.now() - started),
      error: { message: err instanceof Error ? err.message : String(err) },
    };
  }
}

/** The error row of a loaded group, as an error message (its tooltip holds the message and the fix). */
export function errorOfRows(loaded: Row[]): string | undefined {
  const error = loaded.find((r) => r.item.contextValue === 'error');
  return error ? tooltipText(error.item) : undefined;
}

/**
 * Adds a server, registers an enabled confidential client and signs in with the password grant. `enable`
 * enables a client as an administrator would (default: the harness's simulator).
 */
export async function signedInServer(
  name: string,
  baseUrl: string,
  scopes: string[],
  enable: (clientId: string) => Promise<unknown> = (clientId) => simControl(`clients/${encodeURIComponent(clientId)}/enable`),
): Promise<string> {
  const { serverId } = await executeCommand<{ serverId: string }>('openemr.addServer', { baseUrl, name });
  const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>(
    'openemr.registerClient',
    { serverId, applicationType: 'private', scopes },
  );
  if (enabled !== true) await enable(clientId);
  await signInAdmin(serverId, scopes);
  return serverId;
}

export function signInAdmin(serverId: string, scopes: string[]): Promise<unknown> {
  return executeCommand('openemr.login', {
    serverId,
    grant: 'password',
    scopes,
    userRole: 'users',
    username: 'admin',
    password: 'pass',
  });
}

/** The unit tests' user scopes and user/Organization.read. */
export const HARDENING_SCOPES = [...USER_SCOPES, 'user/Organization.read'];
