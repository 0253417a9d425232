import * as assert from 'node:assert/strict';
import { OpenEmrClient, TokenSession, MemorySecretStore, summarizeTokens, type OAuthClient } from '../../../src/core';
import { runDoctor, type DoctorCheck, type DoctorInput } from '../../../src/doctor/checks';
import { fixActions, reportHtml } from '../../../src/doctor/reportHtml';
import { probeClientEnabled } from '../../../src/doctor/clientStatus';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, USER_SCOPES, type SimContext } from '../core/sim-helpers';

const REDIRECT = 'http://127.0.0.1:8765/callback';

function byId(checks: DoctorCheck[]): Record<string, DoctorCheck> {
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

async function signedInInput(ctx: SimContext, oauth: OAuthClient): Promise<DoctorInput> {
  const session = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'doctor/tokens' });
  await session.signedIn(await adminPasswordTokens(oauth));
  return {
    http: ctx.http,
    oauth,
    summary: summarizeTokens(session.current!),
    accessToken: (signal) => session.getAccessToken(signal),
    api: new OpenEmrClient({ http: ctx.http, tokens: session }),
  };
}

describe('setup doctor (against the simulator)', () => {
  let ctx: SimContext;
  beforeEach(async () => {
    ctx = await startSim();
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('passes all eight checks, in order, for an enabled client and a fresh sign-in', async () => {
    const oauth = oauthFor(ctx, await enabledClient(ctx));
    const checks = await runDoctor(await signedInInput(ctx, oauth));
    assert.deepEqual(
      checks.map((c) => c.id),
      ['reachable', 'https', 'site-address', 'apis', 'password-grant', 'client', 'token', 'first-request'],
    );
    const failed = checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], JSON.stringify(failed));
    assert.match(byId(checks)['first-request']!.message, /GET \/api\/patient answered 200/);
    // The raw answer the report offers to open in the JSON viewer: the exact body with its request line.
    const answer = byId(checks)['first-request']!.answer!;
    assert.deepEqual([answer.method, answer.status, answer.sizeBytes], ['GET', 200, answer.body.byteLength]);
    assert.match(answer.url, /\/apis\/default\/api\/patient\?_limit=1$/);
    assert.equal((JSON.parse(Buffer.from(answer.body).toString('utf8')) as { data: unknown[] }).data.length, 1);
  });

  it('names the Connectors setting when the password grant is off', async () => {
    ctx.sim.setGlobals({ oauth_password_grant: 0 });
    const checks = byId(await runDoctor({ http: ctx.http }));
    assert.equal(checks['password-grant']!.ok, false);
    assert.match(checks['password-grant']!.fix!, /Administration > Config > Connectors/);
    assert.match(checks['password-grant']!.fix!, /Enable OAuth2 Password Grant/);
  });

  it('names the API setting that is off (7.0.3 answers 501 for it)', async () => {
    await ctx.close();
    ctx = await startSim({ flavor: 7 });
    ctx.sim.setGlobals({ rest_fhir_api: 0 });
    const checks = byId(await runDoctor({ http: ctx.http, apis: ['api', 'fhir'] }));
    assert.equal(checks.apis!.ok, false, checks.apis!.message);
    assert.match(checks.apis!.fix!, /Enable OpenEMR Standard FHIR REST API/);
    assert.doesNotMatch(checks.apis!.fix!, /Standard REST API"/);
  });

  it('names every API setting when all APIs are off (8.x)', async () => {
    ctx.sim.setGlobals({ rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
    const checks = byId(await runDoctor({ http: ctx.http }));
    assert.equal(checks.reachable!.ok, true, checks.reachable!.message);
    assert.equal(checks.apis!.ok, false);
    assert.match(checks.apis!.message, /switched off/);
    assert.match(checks.apis!.fix!, /Administration > Config > Connectors.*Standard REST API.*FHIR REST API/);
  });

  it('tells the admin to enable a disabled client, and sees it enabled afterwards', async () => {
    const client = await enabledClient(ctx);
    ctx.sim.disableClient(client.clientId);
    const oauth = oauthFor(ctx, client);
    const before = byId(await runDoctor({ http: ctx.http, oauth }));
    assert.equal(before.client!.ok, false);
    assert.match(before.client!.fix!, /Administration > System > API Clients/);
    assert.equal((await probeClientEnabled(oauth, REDIRECT)).enabled, false);
    ctx.sim.enableClient(client.clientId);
    assert.equal((await probeClientEnabled(oauth, REDIRECT)).enabled, true);
  });

  it('reports an unknown site and skips what depends on it', async () => {
    const { HttpClient } = await import('../../../src/core');
    const http = new HttpClient({ baseUrl: ctx.sim.url, site: 'nosuchsite', timeoutMs: 10_000 });
    try {
      const checks = await runDoctor({ http });
      assert.equal(checks[0]!.ok, false);
      assert.match(checks[0]!.message, /nosuchsite/);
      assert.ok(
        checks.slice(2).every((c) => c.skipped),
        'later checks are skipped',
      );
    } finally {
      http.dispose();
    }
  });

  it('fails check 2 for plain http to another host, with the HTTPS fix', async () => {
    // .invalid never resolves (RFC 6761): the server is unreachable, but the transport check still runs.
    const { HttpClient } = await import('../../../src/core');
    const http = new HttpClient({ baseUrl: 'http://emr.invalid', timeoutMs: 5_000 });
    try {
      const checks = byId(await runDoctor({ http }));
      assert.equal(checks.https!.ok, false);
      assert.match(checks.https!.message, /Plain http to emr\.invalid/);
      assert.match(checks.https!.fix!, /HTTPS.*https:\/\//);
    } finally {
      http.dispose();
    }
  });

  it('fails check 3 when the Site Address (issuer) differs from the URL used, naming the Connectors setting', async () => {
    // The simulator's issuer is built from 127.0.0.1, as OpenEMR's from its Site Address; reach it as localhost.
    const { HttpClient } = await import('../../../src/core');
    const viaLocalhost = ctx.sim.url.replace('127.0.0.1', 'localhost');
    const http = new HttpClient({ baseUrl: viaLocalhost, timeoutMs: 10_000 });
    try {
      const checks = byId(await runDoctor({ http }));
      assert.equal(checks.reachable!.ok, true, checks.reachable!.message);
      const site = checks['site-address']!;
      assert.equal(site.ok, false, site.message);
      assert.match(
        site.message,
        new RegExp(`issuer is ${ctx.sim.url}/oauth2/default, but this URL expects ${viaLocalhost}/oauth2/default`),
      );
      assert.match(site.fix!, /Administration > Config > Connectors.*"Site Address \(required for OAuth2 and FHIR\)".*localhost/);
    } finally {
      http.dispose();
    }
  });

  it('finds a logged-out token inactive', async () => {
    const oauth = oauthFor(ctx, await enabledClient(ctx));
    const input = await signedInInput(ctx, oauth);
    ctx.sim.revokeTokens();
    const checks = byId(await runDoctor(input));
    assert.equal(checks.token!.ok, false);
    assert.equal(checks['first-request']!.ok, false);
  });

  it('flags scopes the server dropped', async () => {
    const oauth = oauthFor(ctx, await enabledClient(ctx, { scopes: USER_SCOPES.filter((s) => s !== 'user/Observation.read') }));
    const checks = byId(await runDoctor(await signedInInput(ctx, oauth)));
    assert.equal(checks.token!.ok, false);
    assert.match(checks.token!.message, /dropped 1 asked scope\(s\): user\/Observation\.read/);
    assert.match(checks.token!.fix!, /Administration > System > API Clients/);
  });

  it('passes check 7 only when the scopes granted match those asked', async () => {
    const oauth = oauthFor(ctx, await enabledClient(ctx));
    const checks = byId(await runDoctor(await signedInInput(ctx, oauth)));
    assert.equal(checks.token!.ok, true, checks.token!.message);
    assert.match(checks.token!.message, new RegExp(`holds every scope asked for \\(${USER_SCOPES.length} granted\\)`));
  });

  it('renders a read-only report: states in words, no emoji, each fix that is a command as a button', () => {
    const declared = [
      { command: 'openemr.registerClient', title: 'Register Client', category: 'OpenEMR' },
      { command: 'openemr.login', title: 'Sign In', category: 'OpenEMR' },
    ];
    const checks: DoctorCheck[] = [
      { id: 'reachable', title: 'Server reachable, site exists', ok: true, message: 'ok' },
      {
        id: 'apis',
        title: 'APIs switched on',
        ok: false,
        message: 'FHIR off',
        fix: 'In Administration > Config > Connectors, check it',
      },
      { id: 'client', title: 'Client', ok: false, message: 'No client', fix: 'Run "OpenEMR: Register Client".' },
      { id: 'token', title: 'Token', ok: false, message: 'Not signed in.', fix: 'Run "OpenEMR: Sign In".', skipped: true },
    ];
    const actions = checks.map((c) => fixActions(c, declared));
    assert.deepEqual(actions[1], [], 'an admin setting has no command');
    assert.deepEqual(actions[2], [{ title: 'Register Client', command: 'openemr.registerClient' }]);
    assert.deepEqual(actions[3], [], 'a skipped check offers nothing');
    const html = reportHtml({
      serverName: 'clinic <b>',
      checks: checks.map((c, i) => ({ ...c, actions: actions[i]! })),
      hasAnswers: false,
      when: new Date(0),
      nonce: 'n0nce',
      cspSource: 'vscode-resource:',
    });
    assert.match(html, /OpenEMR setup doctor: clinic &#60;b&#62;/);
    assert.match(html, /2 problem\(s\) found/);
    assert.match(
      html,
      /<span class="state">OK<\/span>[\s\S]*<span class="state">Problem<\/span>[\s\S]*<span class="state">Skipped<\/span>/,
    );
    assert.match(html, /<button data-check="2" data-action="0">Register Client<\/button>/);
    assert.doesNotMatch(html, /[\u{1F300}-\u{1FAFF}\u2705\u274C\u23ED]/u, 'no emoji');
    assert.doesNotMatch(html, /Open Raw Answers/);
  });
});
