import assert from 'node:assert/strict';
import {
  discover,
  HttpClient,
  inTokenContext,
  MemorySecretStore,
  OAuthClient,
  OpenEmrClient,
  OpenEmrError,
  PATIENT_GROUPS,
  SCOPE_PRESETS,
  staticTokenSource,
  TOP_LEVEL_COLLECTIONS,
  TokenSession,
  type OpenEmrErrorKind,
  type TokenSource,
  type PageRequest,
  type StandardPatient,
  scopeCatalog,
} from '../../../src/core';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from './sim-helpers';

const expectKind = (kind: OpenEmrErrorKind) => (e: unknown) => e instanceof OpenEmrError && e.kind === kind;

for (const flavor of [7, 8] as const) {
  describe(`core/api/client against the simulator (flavor ${flavor})`, () => {
    let ctx: SimContext;
    let oauth: OAuthClient;
    let session: TokenSession;
    let api: OpenEmrClient;
    const readOnly = SCOPE_PRESETS['read-only'].scopes({ flavor });

    before(async () => {
      ctx = await startSim({ flavor });
      const client = await enabledClient(ctx, { scopes: [...readOnly, 'user/patient.write'] });
      oauth = oauthFor(ctx, client);
      session = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'client-tests' });
      await session.signedIn(await adminPasswordTokens(oauth, [...readOnly, 'user/patient.write']));
      api = new OpenEmrClient({ http: ctx.http, tokens: session });
    });
    after(() => ctx.close());

    const refreshCount = () => ctx.sim.counters().byGrant.refresh_token ?? 0;

    it('pages through patients with _limit/_offset, following the links quirk', async () => {
      const first = await api.listPatients({}, { limit: 10 });
      assert.equal(first.items.length, 10);
      assert.deepEqual(first.next, { offset: 10, limit: 10 });
      const seen = new Set(first.items.map((p) => p.uuid));
      let next: PageRequest | undefined = first.next;
      while (next) {
        const page = await api.listPatients({}, next);
        page.items.forEach((p) => seen.add(p.uuid));
        next = page.next;
      }
      assert.equal(seen.size, 30);
      const raw = await api.request('GET', '/api/patient', undefined, { query: { _limit: 5, _offset: 5 } });
      assert.match(raw.envelope?.links?.next ?? '', /_count=5/);
    });

    it('searches and reads a patient, and lists every per-patient group', async () => {
      const [someone] = (await api.listPatients({}, { limit: 1 })).items as [StandardPatient];
      const found = await api.listPatients({ lname: someone.lname });
      assert.ok(found.items.length >= 1 && found.items.every((p) => p.lname === someone.lname));
      const patient = await api.getPatient(someone.uuid);
      assert.equal(String(patient.pid), String(someone.pid));
      // Each group lists, or (for the few FHIR resources the simulator does not serve) is a mapped route-not-found.
      let listed = 0;
      for (const group of PATIENT_GROUPS.filter((g) => flavor === 8 || !g.since)) {
        try {
          const page = await api.listPatientGroup(group, { uuid: patient.uuid, pid: patient.pid }, { limit: 5 });
          assert.ok(Array.isArray(page.items), group.id);
          listed++;
        } catch (e) {
          // 7.0.3 has the employer route but no employer scope to grant: it answers a bare 401.
          const ungrantable = flavor === 7 && !scopeCatalog({ flavor: 7 }).some((x) => x.scope === group.route.scopeV1);
          assert.ok(
            e instanceof OpenEmrError &&
              ((e.kind === 'route-not-found' && group.api === 'fhir') || (e.kind === 'missing-scope' && ungrantable)),
            `${group.id}: ${String(e)}`,
          );
        }
      }
      // Every 8.x group lists; 7.0.3 lacks the v2-only FHIR types and the employer scope.
      assert.ok(listed >= (flavor === 8 ? PATIENT_GROUPS.length : 21), `listed ${listed}`);
      const obs = await api.fhirSearchByPatient('Encounter', patient.uuid, {}, { limit: 50 });
      assert.ok(obs.items.every((r) => r.resourceType === 'Encounter'));
      const self = await api.fhirSearchByPatient('Patient', patient.uuid);
      assert.equal(self.items[0]?.id, patient.uuid);
      assert.equal((await api.fhirRead('Patient', patient.uuid)).id, patient.uuid);
      await assert.rejects(
        api.listPatientGroup(
          PATIENT_GROUPS.find((g) => g.patientKey === 'pid')!,
          { uuid: patient.uuid },
        ),
        expectKind('invalid-request'),
      );
    });

    it('lists every top-level collection', async () => {
      let listed = 0;
      for (const c of TOP_LEVEL_COLLECTIONS) {
        const page = await api.listCollection(c, { limit: 3 }).catch((e: unknown) => {
          assert.ok(e instanceof OpenEmrError && e.kind === 'route-not-found' && c.api === 'fhir', `${c.id}: ${String(e)}`);
        });
        if (page) listed++;
      }
      assert.ok(listed >= TOP_LEVEL_COLLECTIONS.length - 2, `listed ${listed}`);
      const fhir = await api.fhirSearch('Patient', {}, { limit: 7, offset: 7 });
      assert.equal(fhir.items.length, 7);
      assert.deepEqual(fhir.next, { offset: 14, limit: 7 });
    });

    it('401 with an expired token: refresh once, retry once, for GET and for POST', async () => {
      ctx.sim.expireTokens();
      let before = refreshCount();
      const res = await api.request('GET', '/api/patient', undefined, { query: { _limit: 1 } });
      assert.equal(res.status, 200);
      assert.equal(res.retried, true);
      assert.equal(refreshCount() - before, 1);
      ctx.sim.expireTokens();
      before = refreshCount();
      const created = await api.request('POST', '/api/patient', {
        fname: 'Ada',
        lname: 'Lovelace',
        DOB: '1815-12-10',
        sex: 'Female',
      });
      assert.equal(created.retried, true, 'the bearer gate rejected it before the server acted');
      assert.ok(created.ok, created.error?.message);
      assert.equal(refreshCount() - before, 1);
    });

    it('retries once at most: a second 401 is the answer', async () => {
      const renewals: string[] = [];
      const stale: TokenSource = {
        getAccessToken: async () => 'stale-token',
        renewAfterRejection: async (rejected) => {
          renewals.push(rejected);
          return 'still-stale-token';
        },
      };
      const c = new OpenEmrClient({ http: ctx.http, tokens: stale });
      for (const method of ['GET', 'POST'] as const) {
        renewals.length = 0;
        const res = await c.request(method, '/api/patient', method === 'POST' ? {} : undefined);
        assert.equal(res.status, 401, method);
        assert.equal(res.retried, true, method);
        assert.deepEqual(renewals, ['stale-token'], `${method}: one renewal, for the first token`);
        assert.equal(res.error?.kind, 'token-expired');
      }
    });

    it('a missing scope is explained and never retried', async () => {
      const narrow = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'narrow' });
      await narrow.signedIn(await adminPasswordTokens(oauth, ['openid', 'offline_access', 'api:oemr', 'user/patient.read']));
      const c = new OpenEmrClient({ http: ctx.http, tokens: narrow });
      const [someone] = (await c.listPatients({}, { limit: 1 })).items as [StandardPatient];
      const before = refreshCount();
      const res = await c.request('GET', `/api/patient/${someone.uuid}/encounter`);
      assert.equal(res.error?.kind, 'missing-scope');
      assert.equal(res.retried, false);
      assert.match(res.error!.fix, /user\/encounter\.s.*user\/encounter\.read/);
      assert.equal(refreshCount(), before);
    });

    it('an ACL denial (scope granted, ACL missing) is explained and never retried', async () => {
      const clerk = await oauth.passwordGrant({ role: 'users', username: 'clerk', password: 'pass', scopes: readOnly });
      const c = new OpenEmrClient({ http: ctx.http, tokens: staticTokenSource(clerk.accessToken, clerk.grantedScopes) });
      const [someone] = (await c.listPatients({}, { limit: 1 })).items as [StandardPatient];
      const before = refreshCount();
      const res = await c.request('GET', `/api/patient/${someone.uuid}/encounter`);
      assert.equal(res.error?.kind, 'acl-denied');
      assert.equal(res.status, flavor === 8 ? 403 : 401);
      assert.equal(res.retried, false);
      assert.equal(refreshCount(), before);
    });

    it('maps a server failure (500, empty in 7.0.3, the kernel body in 8.x) to server-error', async () => {
      const failing = await startSim({ flavor, failRate: 1 });
      try {
        const c = new OpenEmrClient({ http: failing.http, tokens: staticTokenSource('not-used', []) });
        const res = await c.request('GET', '/fhir/metadata');
        assert.equal(res.status, 500);
        assert.equal(res.error?.kind, 'server-error');
        assert.equal(res.retried, false);
      } finally {
        await failing.close();
      }
    });

    it('a token without api:oemr may not call the standard API', async () => {
      const tokens = await adminPasswordTokens(oauth, ['openid', 'api:fhir', 'user/patient.read']);
      const noGate = new OpenEmrClient({ http: ctx.http, tokens: staticTokenSource(tokens.accessToken, tokens.grantedScopes) });
      const res = await noGate.request('GET', '/api/patient');
      assert.equal(res.error?.kind, 'insufficient-permissions');
    });

    it('maps route, item, validation and method errors', async () => {
      assert.equal((await api.request('GET', '/api/no_such_route')).error?.kind, 'route-not-found');
      const wrongMethod = await api.request('DELETE', '/api/facility');
      assert.equal(wrongMethod.error?.kind, flavor === 8 ? 'method-not-supported' : 'route-not-found');
      assert.equal(wrongMethod.retried, false);
      assert.equal(
        (await api.request('GET', '/fhir/Patient/00000000-0000-0000-0000-000000000000')).error?.kind,
        'resource-not-found',
      );
      const invalid = await api.request('POST', '/api/patient', { fname: '' });
      assert.equal(invalid.error?.kind, 'validation');
      assert.ok(invalid.error?.validationErrors);
      await assert.rejects(
        api.getPatient('00000000-0000-0000-0000-000000000000'),
        (e: unknown) => e instanceof OpenEmrError && ['resource-not-found', 'route-not-found'].includes(e.kind),
      );
    });

    it('maps an unknown site and a switched-off API', async () => {
      const other = new OpenEmrClient({ http: new HttpClient({ baseUrl: ctx.sim.url, site: 'nosuch' }), tokens: session });
      assert.equal((await other.request('GET', '/api/patient')).error?.kind, 'unknown-site');
      ctx.sim.setGlobals({ rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
      try {
        await assert.rejects(adminPasswordTokens(oauth), expectKind('api-disabled'));
        const caps = await discover(ctx.http);
        assert.equal(caps.apis.oauth, false);
        assert.equal(caps.errors.oidc?.kind, 'api-disabled');
        if (flavor === 7) assert.equal(caps.apis.fhir, false);
        if (flavor === 7) assert.equal((await api.request('GET', '/api/patient')).error?.kind, 'api-disabled');
      } finally {
        ctx.sim.setGlobals({ rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
      }
    });

    it('after logout the token is refused as revoked, and a refresh does not bring it back', async () => {
      const tokens = await adminPasswordTokens(oauth, readOnly);
      const s = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'logout' });
      await s.signedIn(tokens);
      const c = new OpenEmrClient({ http: ctx.http, tokens: s });
      await oauth.logout(tokens.idToken!);
      const res = await c.request('GET', '/api/patient');
      assert.equal(res.error?.kind, 'token-revoked', res.error?.message);
      await assert.rejects(
        s.refresh(),
        (e: unknown) => e instanceof OpenEmrError && ['invalid-grant', 'token-revoked'].includes(e.kind),
      );
      await assert.rejects(c.request('GET', '/api/patient'), expectKind('not-signed-in'), 'the dead tokens were forgotten');
    });

    it('resolves paths and refuses URLs of other servers', () => {
      assert.throws(() => api.resolve('https://evil.example/apis/default/api/patient'), expectKind('invalid-request'));
      assert.throws(() => api.resolve('/oauth2/default/token'), expectKind('invalid-request'));
      assert.equal(api.resolve(`${ctx.sim.url}/apis/default/fhir/Patient?_count=2`).relative, '/fhir/Patient');
      assert.equal(api.resolve('api/patient', { a: 1, b: undefined }).url, `${ctx.sim.url}/apis/default/api/patient?a=1`);
      // Plain paths skip URL parsing; every path resolves as URL would resolve it.
      const base = `${ctx.sim.url}/apis/default`;
      for (const path of [
        '/api/patient/9a8b7c6d-1234-4abc-8def-0123456789ab',
        '/fhir/Patient/abc.def',
        '/api/patient/../../oauth2',
        '/api/patient/%2e%2e/x',
        '/fhir/.well-known/smart-configuration',
        '/api//patient',
        '/api/patient/a b',
        '/fhir/Patient/$export',
        '/api/patient/',
      ]) {
        const url = new URL(base + path);
        let expected: { url: string; relative: string } | undefined;
        // What resolve() answered before plain paths skipped URL: the prefix is checked on the path as given.
        if (/^\/(api|fhir|portal)(\/|\?|$)/.test(path))
          expected = { url: url.toString(), relative: url.pathname.slice('/apis/default'.length) };
        if (expected) assert.deepEqual(api.resolve(path), expected, path);
        else assert.throws(() => api.resolve(path), path);
      }
    });
  });
}

describe('core/api/client: the scope a fix names', () => {
  it("is in the token's own context: system/ for a backend token, patient/ for a patient token", () => {
    assert.equal(inTokenContext('user/Binary.read', ['system/*.$export', 'system/Patient.read']), 'system/Binary.read');
    assert.equal(inTokenContext('user/Observation.rs', ['openid', 'patient/Patient.rs']), 'patient/Observation.rs');
    assert.equal(inTokenContext('user/patient.read', ['user/encounter.read', 'system/Patient.read']), 'user/patient.read');
    assert.equal(inTokenContext('system/*.$export', ['user/patient.read']), 'system/*.$export');
    assert.equal(inTokenContext('user/patient.read', undefined), 'user/patient.read');
  });
});
