// Sign-in across windows, backend services and the status bar, in the real extension host against the
// simulator: the token manager follows a sign-in and a sign-out made by another window on the same
// SecretStorage; the client-credentials grant with a generated key pair; one status bar item per server;
// and none of these flows leaves a secret in the log, settings or globalState.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SignInApi } from '../../src/auth/register';
import type { OtherWindow, TestHooks } from '../../src/auth/testHooks';
import { activateExtension, executeCommand, simControl, simUrl, waitFor } from './helpers';
import { currentToken, freePort, logText, rejectsWith, secretsSeen, serversSetting } from './signin-support';

interface LoginResult {
  serverId: string;
  account?: string;
  grant: string;
  scopes: string[];
  droppedScopes: string[];
  expiresAt: number;
}
interface ShowTokenResult {
  grant: string;
  scopes: string[];
  expiresAt: number;
  hasRefreshToken: boolean;
  claims: { access?: Record<string, unknown> };
}
interface ViewerResult {
  rendered?: { resourceType?: string; bundleEntries?: number };
}

const BACKEND_SCOPES = ['system/Patient.read', 'system/Encounter.read'];
const PASSWORD = { grant: 'password', userRole: 'users', username: 'admin', password: 'pass' };

async function addServer(name: string): Promise<string> {
  return (
    await executeCommand<{ serverId: string }>('openemr.addServer', { name, baseUrl: simUrl(), redirectPort: await freePort() })
  ).serverId;
}

async function accountLabels(): Promise<string[]> {
  return (await vscode.authentication.getAccounts('openemr')).map((a) => a.label);
}

/** Token requests the simulator answered, by grant type. */
async function tokenRequests(grant: string): Promise<number> {
  const counters = (await (await fetch(`${simUrl()}/__sim/counters`)).json()) as { byGrant: Record<string, number> };
  return counters.byGrant[grant] ?? 0;
}

describe('sign-in: other windows, backend services and the status bar', function () {
  this.timeout(120_000);
  let hooks: TestHooks;
  let windowsId: string;
  let backendId: string;
  /** The backend-service client, which is also the account name of its tokens (sub = client id). */
  let backendClientId = '';
  const secrets = secretsSeen();

  before(async () => {
    const api = (await activateExtension()).exports as SignInApi;
    assert.ok(api.testing, 'the test hooks are exported while VS Code runs the tests');
    hooks = api.testing;
    windowsId = await addServer('Sim windows');
    const { clientId } = await executeCommand<{ clientId: string }>('openemr.registerClient', {
      serverId: windowsId,
      applicationType: 'private',
      clientName: 'windows test',
    });
    await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
    backendId = await addServer('Sim backend');
  });

  after(async () => {
    await simControl('globals', { rest_system_scopes_api: 0 });
    for (const serverId of [windowsId, backendId])
      if (serverId) await executeCommand('openemr.removeServer', { serverId }).catch(() => undefined);
  });

  describe('another window on the same SecretStorage', () => {
    let other: OtherWindow | undefined;
    let firstExpiry = 0;

    after(() => other?.dispose());

    it('signs this window in when the other window signs in, without a sign-in here', async () => {
      assert.equal(hooks.signInState(windowsId).signedIn, false);
      other = hooks.otherWindow();
      const theirs = await other.signIn(windowsId, 'admin', 'pass');
      assert.equal(theirs.signedIn, true);
      firstExpiry = theirs.summary?.expiresAt ?? 0;
      const mine = await waitFor(
        () => (hooks.signInState(windowsId).summary?.expiresAt === firstExpiry ? hooks.signInState(windowsId) : undefined),
        10_000,
        'this window to read the new tokens',
      );
      assert.equal(mine.account, 'admin');
      await waitFor(
        async () => (await accountLabels()).includes('admin@Sim windows'),
        10_000,
        'the account in the Accounts menu',
      );
      const token = await currentToken(windowsId);
      secrets.push(token);
      const answer = await fetch(`${simUrl()}/apis/default/fhir/Patient?_count=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(answer.status, 200, 'the token this window read works');
    });

    it('follows a new expiry when the other window signs in again', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const theirs = await other!.signIn(windowsId, 'admin', 'pass');
      const expiry = theirs.summary?.expiresAt ?? 0;
      assert.ok(expiry > firstExpiry, 'the second sign-in expires later');
      await waitFor(
        () => hooks.signInState(windowsId).summary?.expiresAt === expiry,
        10_000,
        'this window to follow the new expiry',
      );
      assert.equal(hooks.signInState(windowsId).account, 'admin');
    });

    it('signs this window out when the other window deletes the token entry', async () => {
      assert.equal(hooks.signInState(windowsId).signedIn, true, 'signed in through the other window');
      await other!.signOut(windowsId);
      await waitFor(() => !hooks.signInState(windowsId).signedIn, 10_000, 'this window to notice the sign-out');
      await rejectsWith(executeCommand('openemr.showToken', { serverId: windowsId }), /Not signed in/);
      await waitFor(
        async () => !(await accountLabels()).includes('admin@Sim windows'),
        10_000,
        'the account to leave the Accounts menu',
      );
      assert.equal(
        hooks.statusBarTexts().some((t) => t.includes('@Sim windows')),
        false,
        'no status bar item for the signed-out server',
      );
    });
  });

  describe('backend services (client credentials)', () => {
    it('registers a private_key_jwt client with system scopes; the private key lives in SecretStorage only', async () => {
      await simControl('globals', { rest_system_scopes_api: 1 });
      const registered = await executeCommand<{ clientId: string; enabled: boolean | 'unknown'; scopes: string[] }>(
        'openemr.registerClient',
        {
          serverId: backendId,
          applicationType: 'private',
          scopes: BACKEND_SCOPES,
          tokenEndpointAuthMethod: 'private_key_jwt',
          clientName: 'backend test',
        },
      );
      backendClientId = registered.clientId;
      assert.deepEqual(registered.scopes, BACKEND_SCOPES);
      assert.equal(registered.enabled, false, 'system/ scopes make the client start disabled');
      const stored = await hooks.storedSecrets(backendId);
      for (const member of ['privateJwk.d', 'privateJwk.p', 'privateJwk.q'])
        assert.ok(stored.includes(member), `${member} is in SecretStorage`);
      const found = await hooks.secretsFoundIn(backendId, serversSetting());
      assert.deepEqual(found, { inText: [], inGlobalState: [] }, 'no part of the key in settings or globalState');
      assert.doesNotMatch(serversSetting(), /"(d|p|q|dp|dq|qi)"\s*:/, 'no private JWK member in settings');
      await simControl(`clients/${encodeURIComponent(backendClientId)}/enable`);
      assert.equal(
        (await executeCommand<{ enabled: boolean | 'unknown' }>('openemr.checkClient', { serverId: backendId })).enabled,
        true,
      );
    });

    it('signs in with client credentials: the system scopes, 300 s, no refresh token, and FHIR answers', async () => {
      const before = Date.now();
      const result = await executeCommand<LoginResult>('openemr.login', { serverId: backendId, grant: 'clientCredentials' });
      assert.equal(result.grant, 'clientCredentials');
      assert.deepEqual([...result.scopes].sort(), [...BACKEND_SCOPES].sort());
      assert.deepEqual(result.droppedScopes, []);
      assert.ok(
        result.expiresAt >= before + 299_000 && result.expiresAt <= Date.now() + 300_000,
        `expires in 300 s (got ${result.expiresAt - before} ms)`,
      );
      const shown = await executeCommand<ShowTokenResult>('openemr.showToken', { serverId: backendId });
      assert.equal(shown.hasRefreshToken, false);
      assert.equal(shown.claims.access?.sub, backendClientId);
      const storedTokens = (await hooks.storedSecrets(backendId)).filter((n) =>
        ['accessToken', 'refreshToken', 'idToken'].includes(n),
      );
      assert.deepEqual(storedTokens, ['accessToken'], 'only an access token is stored');
      const token = await currentToken(backendId);
      secrets.push(token);
      for (const r of [result, shown]) assert.ok(!JSON.stringify(r).includes(token), 'no token in the command results');
      const bundle = await executeCommand<ViewerResult>('openemr.openInViewer', {
        serverId: backendId,
        path: '/fhir/Patient?_count=2',
      });
      assert.equal(bundle.rendered?.resourceType, 'Bundle');
      assert.equal(bundle.rendered?.bundleEntries, 2);
    });

    it('runs the grant again when the server expired the token (there is no refresh token)', async () => {
      const before = await currentToken(backendId);
      const grants = await tokenRequests('client_credentials');
      await simControl('tokens/expire');
      const bundle = await executeCommand<ViewerResult>('openemr.openInViewer', {
        serverId: backendId,
        path: '/fhir/Patient?_count=2',
      });
      assert.equal(bundle.rendered?.bundleEntries, 2);
      assert.equal(await tokenRequests('client_credentials'), grants + 1);
      const after = await currentToken(backendId);
      assert.notEqual(after, before);
      secrets.push(after);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });

  describe('the status bar', () => {
    it('shows one item per signed-in server', async () => {
      const password = await executeCommand<LoginResult>('openemr.login', { serverId: windowsId, ...PASSWORD });
      secrets.push(await currentToken(windowsId));
      const texts = await waitFor(
        () => {
          const all = hooks.statusBarTexts();
          return all.some((t) => t.includes('@Sim windows')) && all.some((t) => t.includes('@Sim backend')) ? all : undefined;
        },
        10_000,
        'a status bar item for each of the two servers',
      );
      const minutes = Math.floor((password.expiresAt - Date.now()) / 60_000);
      const windowsText = texts.find((t) => t.includes('@Sim windows'));
      assert.ok(
        windowsText === `$(account) OpenEMR: admin@Sim windows, ${minutes} min` ||
          windowsText === `$(account) OpenEMR: admin@Sim windows, ${minutes + 1} min`,
        windowsText,
      );
      const backendText = texts.find((t) => t.includes('@Sim backend')) ?? '';
      assert.ok(backendText.startsWith(`$(account) OpenEMR: ${backendClientId}@Sim backend, `), backendText);
      assert.match(backendText, /, [0-4] min$/, 'a backend-service token lives 5 minutes');
      assert.equal(texts.filter((t) => t.includes('@Sim ')).length, 2, 'exactly one item for each of the two servers');
    });
  });

  describe('no secret of these flows left behind', () => {
    it('keeps the client key, the tokens and the client assertions out of the log, settings and globalState', async () => {
      const log = await logText('signed in to Sim backend (clientCredentials)');
      for (const serverId of [windowsId, backendId]) {
        assert.deepEqual(await hooks.secretsFoundIn(serverId, `${log}\n${serversSetting()}`), { inText: [], inGlobalState: [] });
      }
      // The check can fail: the current access token is found when it is in the text.
      assert.deepEqual((await hooks.secretsFoundIn(backendId, `x ${await currentToken(backendId)} x`)).inText, ['accessToken']);
      // Client assertions, like every token, are JWTs: none may appear in the log, whoever made it.
      assert.doesNotMatch(log, /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
      assert.doesNotMatch(log, /client_assertion=(?!\[redacted\])/);
    });
  });
});
