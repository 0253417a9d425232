// Sign-in failures in the real extension host against the simulator: each failure of the OpenEMR facts met
// while signing in (client disabled, bad credentials, MFA, invalid or dropped scopes, API off, unknown site,
// plain http) ends in a message that says what to do. Also: MFA and patient logins through the login
// command, editing and renaming a profile, and the sessions the `openemr` provider offers for given scopes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MFA_SECRET, totp } from '../openemr-sim/users';
import type { SignInApi } from '../../src/auth/register';
import type { TestHooks } from '../../src/auth/testHooks';
import { activateExtension, executeCommand, simControl, simUrl, waitFor } from './helpers';
import { driveBrowser } from '../unit/core/sim-helpers';
import { currentToken, freePort, rejectsWith, secretsSeen } from './signin-support';

interface LoginResult {
  serverId: string;
  account?: string;
  grant: string;
  scopes: string[];
  droppedScopes: string[];
  expiresAt: number;
}
interface AddResult {
  serverId: string;
  probe: { reachable: boolean; problems: string[]; fix?: string };
}
interface DiagnoseResult {
  checks: Array<{ id: string; ok: boolean; message: string; fix?: string }>;
}
interface Profile {
  id: string;
  name: string;
  redirectPort?: number;
  apis?: string[];
  tls?: { allowSelfSigned?: boolean };
}

const ADMIN = { grant: 'password', userRole: 'users', username: 'admin', password: 'pass' };

function profile(serverId: string): Profile | undefined {
  return (vscode.workspace.getConfiguration('openemr').get<Profile[]>('servers') ?? []).find((p) => p.id === serverId);
}

describe('sign-in failures say what to do (commands against the simulator)', function () {
  this.timeout(120_000);
  let hooks: TestHooks;
  let api: SignInApi;
  let serverId: string;
  const extraServers: string[] = [];
  const secrets = secretsSeen();

  /** Signs in and records the access token, so the final secret audit (signin.test.ts) looks for it. */
  async function login(args: Record<string, unknown>): Promise<LoginResult> {
    const result = await executeCommand<LoginResult>('openemr.login', { serverId, ...args });
    secrets.push(await currentToken(serverId));
    return result;
  }

  async function addServer(args: Record<string, unknown>): Promise<AddResult> {
    const added = await executeCommand<AddResult>('openemr.addServer', { redirectPort: await freePort(), ...args });
    extraServers.push(added.serverId);
    return added;
  }

  before(async () => {
    api = (await activateExtension()).exports as SignInApi;
    assert.ok(api.testing);
    hooks = api.testing;
    serverId = (
      await executeCommand<{ serverId: string }>('openemr.addServer', {
        name: 'Sim failures',
        baseUrl: simUrl(),
        redirectPort: await freePort(),
      })
    ).serverId;
  });

  after(async () => {
    await simControl('globals', { rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
    for (const id of [serverId, ...extraServers])
      if (id) await executeCommand('openemr.removeServer', { serverId: id }).catch(() => undefined);
  });

  it('a disabled client: sign-in names Administration > System > API Clients', async () => {
    const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean }>('openemr.registerClient', {
      serverId,
      clientName: 'failures test',
    });
    assert.equal(enabled, false);
    await rejectsWith(
      executeCommand('openemr.login', { serverId, ...ADMIN }),
      /Fix: Ask an administrator to enable the client in Administration > System > API Clients/,
    );
    await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
  });

  it("a refused browser sign-in carries the server's error and hint, and the doctor repeats it until a sign-in works", async () => {
    api.replaceBrowser((url) => driveBrowser(url));
    try {
      await rejectsWith(
        executeCommand('openemr.login', { serverId, grant: 'authorizationCode', aud: 'http://elsewhere.example/fhir' }),
        /invalid_request.*hint: Check the `aud` parameter.*OpenEMR refused the authorization request.*Fix: .*Site Address/,
      );
    } finally {
      api.replaceBrowser(undefined);
    }
    const before = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
    const last = before.checks.find((c) => c.id === 'last-sign-in');
    assert.ok(last && !last.ok, 'the doctor does not say everything is fine');
    assert.match(last.message, /hint: Check the `aud` parameter/);
    await login(ADMIN);
    const after = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
    assert.equal(
      after.checks.find((c) => c.id === 'last-sign-in'),
      undefined,
      'a sign-in that worked clears it',
    );
    await executeCommand('openemr.logout', { serverId });
  });

  it('bad credentials: says to check them and the role the password grant allows', async () => {
    await rejectsWith(
      executeCommand('openemr.login', { serverId, ...ADMIN, password: 'wrong' }),
      /invalid_grant.*Fix: Check the credentials.*Administration > Config > Connectors/,
    );
  });

  it('MFA: without a code the message asks for mfaToken; with the TOTP code the login command signs in', async () => {
    const mfa = { grant: 'password', userRole: 'users', username: 'mfa', password: 'pass' };
    await rejectsWith(executeCommand('openemr.login', { serverId, ...mfa }), /one-time code.*Fix: Pass \{ mfaToken/);
    await rejectsWith(
      executeCommand('openemr.login', { serverId, ...mfa, mfaToken: '000000' }),
      /MFA token is invalid.*Fix: Enter a fresh TOTP code/,
    );
    const result = await login({ ...mfa, mfaToken: totp(MFA_SECRET) });
    assert.equal(result.account, 'mfa');
    assert.equal(result.grant, 'password');
    assert.ok(result.scopes.includes('user/patient.read'));
    assert.equal(hooks.signInState(serverId).account, 'mfa');
  });

  it('a patient signs in with the password grant and the email; without the email the message says so', async () => {
    const token = await currentToken(serverId);
    const listed = (await (
      await fetch(`${simUrl()}/apis/default/api/patient?_limit=1`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { data: Array<{ pid: number; fname: string; email: string }> };
    const first = listed.data[0]!;
    // The simulator's portal logins (docs/simulator.md): first name + pid, e.g. matthew1.
    const patient = {
      grant: 'password',
      userRole: 'patient',
      username: `${first.fname}${first.pid}`.toLowerCase(),
      password: 'pass',
      scopes: ['openid'],
    };
    await rejectsWith(executeCommand('openemr.login', { serverId, ...patient }), /argument "email" is required/);
    const result = await login({ ...patient, email: first.email });
    assert.equal(result.grant, 'password');
    assert.ok(hooks.signInState(serverId).signedIn);
    assert.notEqual(result.account, 'mfa', 'the patient replaced the previous sign-in');
  });

  it('an invalid scope: sign-in and registration name the scope to remove', async () => {
    await rejectsWith(
      executeCommand('openemr.login', { serverId, ...ADMIN, scopes: ['openid', 'launch/encounter'] }),
      /launch\/encounter.*Fix: Remove "launch\/encounter"/,
    );
    await rejectsWith(
      executeCommand('openemr.registerClient', { serverId, scopes: ['openid', 'launch/encounter'] }),
      /Registration not sent: the server does not offer launch\/encounter.*Fix: Change the scopes/,
    );
    await rejectsWith(
      executeCommand('openemr.registerClient', { serverId, applicationType: 'public', scopes: ['openid', 'user/patient.read'] }),
      /public client may not ask for user\/ or system\/ scopes.*confidential/,
    );
  });

  it('a dropped scope: login reports it and the doctor (check 7) says how to get it', async () => {
    const result = await login({
      ...ADMIN,
      scopes: ['openid', 'offline_access', 'api:oemr', 'user/patient.read', 'user/patient.write'],
    });
    assert.deepEqual(result.droppedScopes, ['user/patient.write']);
    assert.ok(!result.scopes.includes('user/patient.write'));
    const diagnosed = await executeCommand<DiagnoseResult>('openemr.diagnose', { serverId, show: false });
    const token = diagnosed.checks.find((c) => c.id === 'token')!;
    assert.equal(token.ok, false);
    assert.match(token.message, /user\/patient\.write/);
    assert.match(token.fix ?? '', /Register a client that includes these scopes/);
  });

  it('the APIs off: sign-in names Administration > Config > Connectors', async () => {
    await simControl('globals', { rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
    try {
      await rejectsWith(
        executeCommand('openemr.login', { serverId, ...ADMIN }),
        /API is disabled.*Fix: In Administration > Config > Connectors, turn on "Enable OpenEMR Standard REST API"/,
      );
    } finally {
      await simControl('globals', { rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
    }
  });

  it('an unknown site: adding the server and registering say to check the site name', async () => {
    const added = await addServer({ name: 'Sim no site', baseUrl: simUrl(), site: 'nosuchsite' });
    assert.equal(added.probe.reachable, false);
    assert.match(added.probe.fix ?? '', /Check the site name in the server profile/);
    await rejectsWith(
      executeCommand('openemr.registerClient', { serverId: added.serverId }),
      /api site error.*Fix: Check the site name/,
    );
  });

  it('plain http to another host: registration is refused before any secret is sent, saying to use https', async () => {
    const added = await addServer({ name: 'Sim plain http', baseUrl: 'http://emr.invalid' });
    assert.equal(added.probe.reachable, false);
    assert.match(added.probe.fix ?? '', /Check the server URL/);
    await rejectsWith(
      executeCommand('openemr.registerClient', { serverId: added.serverId }),
      /Refused to send credentials over plain http.*Fix: Use https/,
    );
  });

  it('edits and renames a profile; the signed-in session follows', async () => {
    await login(ADMIN);
    const port = await freePort();
    assert.deepEqual(
      await executeCommand('openemr.editServer', {
        serverId,
        redirectPort: port,
        apis: ['api', 'fhir', 'portal'],
        tls: { allowSelfSigned: true },
      }),
      { serverId, edited: true },
    );
    const edited = profile(serverId);
    assert.equal(edited?.redirectPort, port);
    assert.deepEqual(edited?.apis, ['api', 'fhir', 'portal']);
    assert.deepEqual(edited?.tls, { allowSelfSigned: true });
    assert.deepEqual(await executeCommand('openemr.renameServer', { serverId, name: 'Sim renamed' }), {
      serverId,
      name: 'Sim renamed',
    });
    assert.equal(profile(serverId)?.name, 'Sim renamed');
    // The edit changed the connection: the manager rebuilt the server and read its tokens back.
    await waitFor(() => hooks.signInState(serverId).signedIn, 10_000, 'the sign-in to survive the edit');
    const sessions = await hooks.authSessions();
    assert.equal(sessions.find((s) => s.id === serverId)?.account, 'admin@Sim renamed');
  });

  it('offers a session to getSession only for scopes the sign-in holds', async () => {
    const covered = await hooks.authSessions(['user/patient.read', 'api:oemr']);
    assert.ok(
      covered.some((s) => s.id === serverId),
      JSON.stringify(covered),
    );
    assert.ok(!(await hooks.authSessions(['system/Patient.read'])).some((s) => s.id === serverId));
    assert.ok(!(await hooks.authSessions(['user/patient.write'])).some((s) => s.id === serverId));
  });
});
