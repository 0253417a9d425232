// What the sign-in test files share: free ports, error matching, the log text, the current token, and the
// secrets the tests learned (kept on globalThis, because each test file is bundled on its own).
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { executeCommand, waitFor } from './helpers';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Rejects with an Error whose message matches `pattern`. */
export async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.match(err instanceof Error ? err.message : String(err), pattern);
    return true;
  });
}

/** The text of the OpenEMR log, once it holds requests and `contains` (a line the caller knows was logged). */
export async function logText(contains = ' -> '): Promise<string> {
  await executeCommand('openemr.showLog');
  // The output document fills in after the channel is revealed.
  const doc = await waitFor(
    () =>
      vscode.workspace.textDocuments.find(
        (d) =>
          d.uri.scheme === 'output' &&
          d.uri.path.includes('OpenEMR') &&
          d.getText().includes(' -> ') &&
          d.getText().includes(contains),
      ),
    20_000,
    `the OpenEMR log with requests and "${contains}"`,
  );
  return doc.getText();
}

/** The current access token, through the public "Copy Access Token" path (the clipboard is cleared after). */
export async function currentToken(serverId: string): Promise<string> {
  await executeCommand('openemr.copyAccessToken', { serverId, acknowledgeRisk: true });
  const token = await vscode.env.clipboard.readText();
  await vscode.env.clipboard.writeText('');
  return token;
}

export function serversSetting(): string {
  return JSON.stringify(vscode.workspace.getConfiguration('openemr').inspect('servers') ?? {});
}

/** Secrets learned by any sign-in test file so far; none may show up in settings or the log. */
export function secretsSeen(): string[] {
  const holder = globalThis as { openemrSignInSecrets?: string[] };
  holder.openemrSignInSecrets ??= [];
  return holder.openemrSignInSecrets;
}
