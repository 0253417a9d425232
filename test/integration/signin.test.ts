// Sign-in layer in the real extension host against the simulator: every command in its non-interactive
// form, the disabled-client path, the browser flow, the password-grant-off and API-off paths, logout, and
// no secret in settings or the log afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SignInApi } from '../../src/auth/register';
import { driveBrowser } from '../unit/core/sim-helpers';
import { activateExtension, executeCommand, simControl, simUrl, waitFor } from './helpers';
import { currentToken, freePort, rejectsWith, secretsSeen, serversSetting } from './signin-support';

interface CheckResult {
  clientId: string;
  enabled: boolean | 'unknown';
}
interface LoginResult {
  serverId: string;
  account?: string;
  grant: string;
  scopes: string[];
  droppedScopes: string[];
  expiresAt: number;
}
interface DiagnoseResult {
  checks: Array<{ id: string; ok: boolean; message: string; fix?: string; skipped?: boolean }>;
}

function check(result: DiagnoseResult, id: string) {
  const found = result.checks.find((c) => c.id === id);
  assert.ok(found, `diagnose has a "${id}" check`);
  return found;
}

describe('sign-in (commands against the simulator)', function () {
  this.timeout(120_000);
  let api: SignInApi;
  let serverId: string;
  let clientId: string;
  /** Secrets the sign-in tests learned (this file's and signin-*.test.ts's); none may show up in settings or the log. */
  const secrets = secretsSeen();

  before(async () => {
    api = (await activateExtension()).exports as SignInApi;
    const added = await executeCommand<{
      serverId: string;
      probe: { reachable: boolean; passwordGrant: unknown; apis: { fhir: unknown } };
    }>('openemr.addServer', {
      name: 'Sim sign-in',
      baseUrl: simUrl(),
      redirectPort: await freePort(),
    });
    serverId = added.serverId;
    assert.equal(added.probe.reachable, true);
    assert.equal(added.probe.passwordGrant, true);
    assert.equal(added.probe.apis.fhir, true);
  });

  after(async () => {
    api?.replaceBrowser(undefined);
    await simControl('globals', { oauth_password_grant: 3, rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
    await vscode.env.clipboard.writeText('');
  });

  it('adds the server to the openemr.servers user setting', () => {
    const profiles =
      vscode.workspace.getConfiguration('openemr').get<Array<{ id: string; baseUrl: string; site: string }>>('servers') ?? [];
    const profile = profiles.find((p) => p.id === serverId);
    assert.ok(profile, 'the profile is in settings');
    assert.equal(profile.baseUrl, simUrl());
    assert.equal(profile.site, 'default');
  });

  it('registers a confidential client that starts disabled, then sees it enabled after the admin enables it', async () => {
    const registered = await executeCommand<CheckResult & { scopes: string[] }>('openemr.registerClient', {
      serverId,
      applicationType: 'private',
      clientName: 'signin test',
    });
    clientId = registered.clientId;
    assert.equal(registered.enabled, false, 'user/ scopes make a confidential client start disabled');
    assert.ok(registered.scopes.includes('user/patient.read'));
    await rejectsWith(
      executeCommand('openemr.login', { serverId, grant: 'password', username: 'admin', password: 'pass' }),
      /disabled|Client authentication failed/i,
    );
    assert.equal((await executeCommand<CheckResult>('openemr.checkClient', { serverId })).enabled, false);
    await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
    assert.deepEqual(await executeCommand<CheckResult>('openemr.checkClient', { serverId }), { clientId, enabled: true });
  });

  it('signs in with the password grant and shows the session in the Accounts menu', async () => {
    const result = await executeCommand<LoginResult>('openemr.login', {
      serverId,
      grant: 'password',
      userRole: 'users',
      username: 'admin',
      password: 'pass',
    });
    assert.equal(result.account, 'admin');
    assert.ok(result.scopes.includes('user/patient.read'));
    assert.deepEqual(result.droppedScopes, []);
    assert.ok(result.expiresAt > Date.now() + 30 * 60_000);
    const accounts = await waitFor(
      async () => (await vscode.authentication.getAccounts('openemr')).find((a) => a.label === 'admin@Sim sign-in'),
      10_000,
      'the account in the Accounts menu',
    );
    assert.ok(accounts.id.startsWith(`${serverId}/`));
  });

  it('shows the token claims and scopes, never the token', async () => {
    const shown = await executeCommand<{ account: string; scopes: string[]; claims: { access?: { aud?: unknown } } }>(
      'openemr.showToken',
      { serverId },
    );
    assert.equal(shown.account, 'admin');
    assert.equal(shown.claims.access?.aud, clientId);
    for (const s of secrets) assert.ok(!JSON.stringify(shown).includes(s), 'showToken holds no token');
  });

  it('copies the access token only when the risk is acknowledged', async () => {
    await rejectsWith(executeCommand('openemr.copyAccessToken', { serverId }), /acknowledgeRisk/);
    const copied = await executeCommand<{ copied: boolean }>('openemr.copyAccessToken', { serverId, acknowledgeRisk: true });
    assert.equal(copied.copied, true);
    const token = await vscode.env.clipboard.readText();
    assert.match(token, /^eyJ/);
    assert.ok(!JSON.stringify(copied).includes(token));
    secrets.push(token);
  });

  it('diagnoses a healthy set-up: every check passes', async () => {
    const result = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
    assert.deepEqual(
      result.checks.map((c) => c.id),
      ['reachable', 'https', 'site-address', 'apis', 'password-grant', 'client', 'token', 'first-request'],
    );
    assert.deepEqual(
      result.checks.filter((c) => !c.ok),
      [],
    );
  });

  it('refreshes on its own after the server expired the access token', async () => {
    const before = await currentToken(serverId);
    await simControl('tokens/expire');
    const result = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
    assert.equal(check(result, 'first-request').ok, true, check(result, 'first-request').message);
    const after = await currentToken(serverId);
    assert.notEqual(after, before, 'a new access token after the 401');
    secrets.push(after);
  });

  it('names the Connectors fix when the password grant is off', async () => {
    await simControl('globals', { oauth_password_grant: 0 });
    try {
      await rejectsWith(
        executeCommand('openemr.login', { serverId, grant: 'password', username: 'admin', password: 'pass' }),
        /password grant is switched off/i,
      );
      const result = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
      assert.equal(check(result, 'password-grant').ok, false);
      assert.match(
        check(result, 'password-grant').fix ?? '',
        /Administration > Config > Connectors.*Enable OAuth2 Password Grant/,
      );
    } finally {
      await simControl('globals', { oauth_password_grant: 3 });
    }
  });

  it('names the Connectors fix when the APIs are off', async () => {
    await simControl('globals', { rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
    try {
      const result = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
      assert.equal(check(result, 'apis').ok, false);
      assert.match(check(result, 'apis').fix ?? '', /Administration > Config > Connectors.*Enable OpenEMR Standard REST API/);
    } finally {
      await simControl('globals', { rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
    }
  });

  it('signs out: the logout endpoint ends the session and the tokens are gone', async () => {
    const before = await currentToken(serverId);
    assert.deepEqual(await executeCommand('openemr.logout', { serverId }), { serverId, signedIn: false });
    await rejectsWith(executeCommand('openemr.showToken', { serverId }), /Not signed in/);
    await waitFor(
      async () => !(await vscode.authentication.getAccounts('openemr')).some((a) => a.id.startsWith(`${serverId}/`)),
      10_000,
      'the account to leave the Accounts menu',
    );
    const old = await fetch(`${simUrl()}/apis/default/api/patient?_limit=1`, { headers: { authorization: `Bearer ${before}` } });
    assert.ok(old.status >= 400, `the old token is refused after logout (got ${old.status})`);
  });

  it('signs in through the browser: the test completes the login page over HTTP', async () => {
    const opened: string[] = [];
    api.replaceBrowser(async (url) => {
      opened.push(url);
      await driveBrowser(url, { username: 'admin', password: 'pass' });
    });
    try {
      const result = await executeCommand<LoginResult>('openemr.login', { serverId, grant: 'authorizationCode' });
      assert.equal(result.account, 'admin');
      assert.equal(opened.length, 1);
      assert.match(opened[0]!, /\/oauth2\/default\/authorize\?.*code_challenge_method=S256/);
      secrets.push(await currentToken(serverId));
    } finally {
      api.replaceBrowser(undefined);
    }
  });

  it('uses an existing public client and keeps its secret out of settings', async () => {
    const response = await fetch(`${simUrl()}/oauth2/default/registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        application_type: 'private',
        client_name: 'existing',
        redirect_uris: ['http://127.0.0.1:8765/callback'],
        scope: 'openid api:fhir patient/Patient.read',
      }),
    });
    const registered = (await response.json()) as { client_id: string; client_secret: string; registration_access_token: string };
    secrets.push(registered.client_secret, registered.registration_access_token);
    const result = await executeCommand<CheckResult>('openemr.useExistingClient', {
      serverId,
      clientId: registered.client_id,
      clientSecret: registered.client_secret,
      scopes: ['openid', 'api:fhir', 'patient/Patient.read'],
    });
    assert.deepEqual(result, { clientId: registered.client_id, enabled: true });
    assert.ok(serversSetting().includes(registered.client_id), 'the client id (not a secret) is in the profile');
  });

  it('removes the server', async () => {
    assert.deepEqual(await executeCommand('openemr.removeServer', { serverId }), { serverId, removed: true });
    const profiles = vscode.workspace.getConfiguration('openemr').get<Array<{ id: string }>>('servers') ?? [];
    assert.equal(
      profiles.some((p) => p.id === serverId),
      false,
    );
  });
});
