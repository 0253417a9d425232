// The secret audit. It runs last (the runner adds it after every other file) and relies on no other file:
// a scripted session of its own signs in with every grant (password, authorization code, client credentials),
// refreshes with rotation, sends requests, runs a request file, copies every snippet kind without the token,
// opens the history, the viewer and the tree, and signs out; it goes through a recording proxy in front of the
// simulator, which keeps every secret value that crosses the wire (tokens, codes, client secrets, client
// assertions, registration access tokens). Then every place a secret could leak to is scanned for every
// one of them, and for the secrets held in SecretStorage (the private key members never cross the wire).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { SignInApi } from '../../src/auth/register';
import { driveBrowser } from '../unit/core/sim-helpers';
import { startHostileServer, type HostileServer } from '../hostile/server';
import { activateExtension, closeAllEditors, executeCommand, simControl, simUrl } from './helpers';
import { HARDENING_SCOPES, loadGroup, report, signInAdmin } from './hardening-support';
import { currentToken, freePort, logText } from './signin-support';

const BACKEND_SCOPES = ['system/Patient.read', 'system/Encounter.read'];

/** Every file under `dir` (the VS Code user-data folder: settings, state databases, logs, global storage). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() && statSync(full).size < 200 * 1024 * 1024 ? [full] : [];
  });
}

describe('secret audit (last, on its own)', function () {
  this.timeout(300_000);
  let recorder: HostileServer;
  let api: SignInApi;
  const servers: string[] = [];

  before(async () => {
    api = (await activateExtension()).exports as SignInApi;
    recorder = await startHostileServer(simUrl());
  });

  after(async () => {
    api?.replaceBrowser(undefined);
    await simControl('globals', { rest_system_scopes_api: 0 });
    for (const serverId of servers) await executeCommand('openemr.removeServer', { serverId });
    await recorder?.close();
    await vscode.env.clipboard.writeText('');
  });

  async function addServer(name: string, baseUrl = recorder.url): Promise<string> {
    const { serverId } = await executeCommand<{ serverId: string }>('openemr.addServer', {
      baseUrl,
      name,
      redirectPort: await freePort(),
    });
    servers.push(serverId);
    return serverId;
  }

  it('finds no secret of a whole session in settings, state, storage, logs, the output channel or the clipboard', async () => {
    // Password grant, a user client.
    const serverId = await addServer('Audit');
    const registered = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>('openemr.registerClient', {
      serverId,
      applicationType: 'private',
      scopes: HARDENING_SCOPES,
    });
    if (registered.enabled !== true) await simControl(`clients/${encodeURIComponent(registered.clientId)}/enable`);
    await signInAdmin(serverId, HARDENING_SCOPES);

    // Authorization code with PKCE, through a scripted browser.
    api.replaceBrowser(async (url) => {
      await driveBrowser(url, { username: 'admin', password: 'pass' });
      return true;
    });
    await executeCommand('openemr.login', { serverId, grant: 'authorizationCode', scopes: HARDENING_SCOPES });

    // A refresh with rotation: every access token expires, the next request renews it.
    await simControl('tokens/expire');
    const sent = await executeCommand<{ status: number }>('openemr.sendRequest', {
      serverId,
      method: 'GET',
      path: '/api/patient',
    });
    assert.equal(sent.status, 200);
    await executeCommand('openemr.sendRequest', { serverId, method: 'GET', path: '/fhir/Patient', query: { _count: 3 } });

    // A request file, its snippets without the token, and the history (with answers kept) and its snippets.
    const history = vscode.workspace.getConfiguration('openemr.history');
    await history.update('keepResponses', true, vscode.ConfigurationTarget.Global);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'openemr-audit-')), 'audit.openemr.http');
    writeFileSync(file, '# @server Audit\nGET /api/patient?_limit=2\n\n?? status == 200\n');
    const uri = vscode.Uri.file(file).toString();
    const fromFile = await executeCommand<{ status?: number }>('openemr.requests.send', { uri, index: 0, show: false });
    assert.equal(fromFile.status, 200);
    const [entry] = (await executeCommand<{ entries: Array<{ id: string }> }>('openemr.history.list', { serverId })).entries;
    await executeCommand('openemr.history.open', { id: entry!.id });
    for (const kind of ['curl', 'fetch', 'python']) {
      await executeCommand('openemr.requests.copySnippet', { uri, index: 0, kind });
      await executeCommand('openemr.history.copySnippet', { id: entry!.id, kind });
    }
    await history.update('keepResponses', undefined, vscode.ConfigurationTarget.Global);

    // The viewer and the tree, and the tree's copy of a request (it names $OPENEMR_TOKEN, never the token).
    const viewed = await executeCommand<{ rendered?: unknown }>('openemr.openInViewer', { serverId, path: '/fhir/Patient' });
    assert.ok(viewed.rendered, 'the viewer drew the answer');
    const patients = await loadGroup(serverId, ['Patients']);
    await executeCommand('openemr.explorer.copyCurl', patients[0]!.node);
    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /\$OPENEMR_TOKEN/);

    // Client credentials with an RS384 client assertion, a private_key_jwt client. The assertion's audience
    // is the token URL, so this server talks to the simulator directly: its token comes through the
    // acknowledged copy, its private key and client secret from SecretStorage (by name, below).
    await simControl('globals', { rest_system_scopes_api: 1 });
    const backendId = await addServer('Audit backend', simUrl());
    const backend = await executeCommand<{ clientId: string }>('openemr.registerClient', {
      serverId: backendId,
      applicationType: 'private',
      scopes: BACKEND_SCOPES,
      tokenEndpointAuthMethod: 'private_key_jwt',
    });
    await simControl(`clients/${encodeURIComponent(backend.clientId)}/enable`);
    await executeCommand('openemr.login', { serverId: backendId, grant: 'clientCredentials' });
    await executeCommand('openemr.sendRequest', {
      serverId: backendId,
      method: 'GET',
      path: '/fhir/Patient',
      query: { _count: 1 },
    });
    const backendToken = await currentToken(backendId);

    // The one acknowledged copy: the token is on the clipboard then, and only then.
    await executeCommand('openemr.copyAccessToken', { serverId, acknowledgeRisk: true });
    const copied = await vscode.env.clipboard.readText();
    assert.ok(recorder.secretsSeen.has(copied), 'the acknowledged copy put the current access token on the clipboard');
    await vscode.env.clipboard.writeText(curl);

    // Stored secrets are read before sign-out removes the tokens (the client secrets and keys stay).
    const hooks = api.testing!;
    const storedNames = [...(await hooks.storedSecrets(serverId)), ...(await hooks.storedSecrets(backendId))];
    assert.ok(
      storedNames.includes('privateJwk.d') && storedNames.includes('clientSecret') && storedNames.includes('refreshToken'),
    );

    await executeCommand('openemr.logout', { serverId });
    await executeCommand('openemr.logout', { serverId: backendId });
    await closeAllEditors();

    // The places.
    const places = new Map<string, string>();
    places.set('output channel', await logText('signed-out'));
    places.set('clipboard', await vscode.env.clipboard.readText());
    places.set('globalState and workspaceState', hooks.stateText());
    places.set('settings', JSON.stringify(vscode.workspace.getConfiguration('openemr')));
    const userData = process.env.OPENEMR_TEST_USER_DATA;
    assert.ok(userData, 'the harness names the user-data folder');
    for (const file of filesUnder(userData)) places.set(path.relative(userData, file), readFileSync(file).toString('latin1'));

    const secrets = [...recorder.secretsSeen, backendToken];
    const found: string[] = [];
    for (const [place, text] of places) {
      for (const secret of secrets) if (text.includes(secret)) found.push(`${secret.slice(0, 8)}… in ${place}`);
      // Stored secrets that never crossed the wire (private key members), by name.
      for (const id of [serverId, backendId]) {
        const named = await hooks.secretsFoundIn(id, text);
        found.push(...named.inText.map((name) => `${name} in ${place}`));
      }
    }
    const kinds = new Set(storedNames);
    report(
      `secret audit: ${secrets.length + [...kinds].filter((k) => k.startsWith('privateJwk')).length} secrets, ${places.size} places, ${found.length} found`,
    );
    assert.ok(secrets.length >= 10, `the session issued secrets of every kind (${secrets.length})`);
    assert.deepEqual(found, []);
  });
});
