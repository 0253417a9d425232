// Shared helpers for the integration tests that run inside the VS Code extension host.
import * as vscode from 'vscode';
import { simUrl } from '../harness/sim-url';

export { simUrl };
export { waitFor } from '../harness/wait';

export const EXTENSION_ID = 'openemr-tools.openemr-api';

/** POSTs to a simulator control under /__sim/ (for example `expire-tokens`) and returns its JSON answer. */
export async function simControl<T = unknown>(controlPath: string, body?: unknown): Promise<T> {
  const url = `${simUrl()}/__sim/${controlPath.replace(/^\/+/, '').replace(/^__sim\//, '')}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs a command with an optional argument object (the non-interactive form every command offers). */
export function executeCommand<T = unknown>(id: string, args?: unknown): Promise<T> {
  return Promise.resolve(
    args === undefined ? vscode.commands.executeCommand<T>(id) : vscode.commands.executeCommand<T>(id, args),
  );
}

/** The extension under test, activated. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  await extension.activate();
  return extension;
}

/** Command ids the manifest contributes. */
export function contributedCommands(extension: vscode.Extension<unknown>): string[] {
  const manifest = extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } };
  return (manifest.contributes?.commands ?? []).map((c) => c.command);
}

/** Closes every editor so that each test starts from an empty workbench. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
