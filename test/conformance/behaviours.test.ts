/**
 * Behaviours OpenEMR's own API tests assert (tests/Tests/Api, the RestControllers and grant-flow tests,
 * discovery, the G10 CapabilityStatement test), replayed against the simulator over HTTP. Each test names
 * the OpenEMR source it follows; "7.0.3" is tag v7_0_3_3, "8.x" the master of the 8.0.0 release.
 */
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../openemr-sim/index.js';
import {
  adminToken,
  apis,
  body,
  call,
  confidential,
  form,
  list,
  oauth,
  passwordToken,
  postJson,
  REDIRECT,
  register,
  start,
  type Json,
} from '../openemr-sim/test-helpers.js';
import { FLAVOR_NAME, type Flavor } from './route-table';

const FLAVORS: Flavor[] = [7, 8];
const SCOPE = 'openid offline_access api:oemr api:fhir user/patient.read user/Patient.read';

/** The twelve SMART capabilities of Capability::FHIR_SUPPORTED_CAPABILITIES. */
const SMART_CAPABILITIES = [
  'launch-ehr',
  'context-banner',
  'context-ehr-patient',
  'context-style',
  'sso-openid-connect',
  'client-confidential-symmetric',
  'permission-user',
  'context-standalone-patient',
  'launch-standalone',
  'permission-patient',
  'permission-offline',
  'client-public',
];

for (const flavor of FLAVORS) {
  const name = FLAVOR_NAME[flavor];
  describe(`conformance: behaviours of ${name}`, () => {
    let sim: RunningSimulator;
    before(async () => {
      sim = await start(flavor);
    });
    after(() => sim.close());
    afterEach(() => sim.reset());

    describe('grants without client_secret', () => {
      // ClientRepository::validateClient returns true for every grant but authorization_code
      // (ClientRepository.php:209-211 in 7.0.3); CustomRefreshTokenGrant adds only the is-enabled check.
      it('refresh_token needs no client_secret, even for a confidential client', async () => {
        const c = await confidential(sim, SCOPE);
        const t = await passwordToken(sim, c, SCOPE);
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          client_id: c.client_id,
          refresh_token: String(t.refresh_token),
        });
        assert.equal(r.status, 200, r.text);
        assert.ok(body(r).access_token);
      });

      it('password needs no client_secret', async () => {
        const c = await confidential(sim, SCOPE);
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          scope: SCOPE,
          user_role: 'users',
          username: 'admin',
          password: 'pass',
        });
        assert.equal(r.status, 200, r.text);
      });
    });

    describe('logout', () => {
      const signedIn = async () => {
        const c = await confidential(sim, SCOPE);
        return passwordToken(sim, c, SCOPE);
      };
      const logout = (idToken: Json) => call(`${oauth(sim, '/logout')}?id_token_hint=${String(idToken)}`);

      // AuthorizationController::userSessionLogout: die($message) in 7.0.3 (AuthorizationController.php:1271-1293),
      // a text/plain response in 8.x.
      it('the first logout answers 200 with the plain text "You have been signed out. Thank you."', async () => {
        const t = await signedIn();
        const r = await logout(t.id_token);
        assert.equal(r.status, 200);
        assert.equal(r.text, 'You have been signed out. Thank you.');
      });

      // 7.0.3: die("You are currently not signed in."); 8.x: throw new HttpException(401, …)
      // (AuthorizationController.php:1464-1492), rendered as JSON with a message.
      it(`a second logout answers ${flavor === 7 ? '200 plain text' : '401 with a JSON message'}`, async () => {
        const t = await signedIn();
        await logout(t.id_token);
        const again = await logout(t.id_token);
        if (flavor === 7) {
          assert.equal(again.status, 200);
          assert.equal(again.text, 'You are currently not signed in.');
        } else {
          assert.equal(again.status, 401);
          assert.equal(body(again).message, 'You are currently not signed in.');
        }
      });

      // After logout the trusted-user session is gone: API calls answer 400 (ApiTestClient tests).
      it('API calls with the logged-out token answer 400', async () => {
        const t = await signedIn();
        await logout(t.id_token);
        const r = await call(apis(sim, '/api/patient'), { token: String(t.access_token) });
        assert.equal(r.status, 400);
      });
    });

    describe('introspection', () => {
      const introspect = (fields: Record<string, string>) => form(oauth(sim, '/introspect'), fields);

      // JsonWebKeyParser::parseAccessToken sets status 'active' (JsonWebKeyParser.php:41/71).
      it('an active token reads active with status "active"; token_type_hint may be left out', async () => {
        const c = await confidential(sim, SCOPE);
        const t = await passwordToken(sim, c, SCOPE);
        const hints: Record<string, string>[] = [{ token_type_hint: 'access_token' }, {}];
        for (const hint of hints) {
          const r = await introspect({
            token: String(t.access_token),
            client_id: c.client_id,
            client_secret: c.client_secret,
            ...hint,
          });
          assert.equal(r.status, 200, r.text);
          assert.equal(body(r).active, true);
          assert.equal(body(r).status, 'active');
        }
        const refresh = await introspect({
          token: String(t.refresh_token),
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(body(refresh).active, true, refresh.text);
      });

      // TokenIntrospectionRestController.php:383-392: a logged-out user's token is revoked, with its client_id.
      it('after logout the token reads inactive with status "revoked" and its client_id', async () => {
        const c = await confidential(sim, SCOPE);
        const t = await passwordToken(sim, c, SCOPE);
        await call(`${oauth(sim, '/logout')}?id_token_hint=${String(t.id_token)}`);
        const r = await introspect({
          token: String(t.access_token),
          token_type_hint: 'access_token',
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(r.status, 200);
        assert.equal(body(r).active, false);
        assert.equal(body(r).status, 'revoked');
        assert.equal(body(r).client_id, c.client_id);
      });

      if (flavor === 7) {
        // 7.0.3 checks the app type before the secret: a confidential client without a secret is a bad request.
        it('a confidential client without its secret gets 400 "Invalid client app type"', async () => {
          const c = await confidential(sim, SCOPE);
          const t = await passwordToken(sim, c, SCOPE);
          const r = await introspect({ token: String(t.access_token), token_type_hint: 'access_token', client_id: c.client_id });
          assert.equal(r.status, 400);
          assert.equal(body(r).error_description, 'Invalid client app type');
        });

        it('a bogus refresh token answers 400', async () => {
          const c = await confidential(sim, SCOPE);
          const r = await introspect({
            token: 'not-a-refresh-token',
            token_type_hint: 'refresh_token',
            client_id: c.client_id,
            client_secret: c.client_secret,
          });
          assert.equal(r.status, 400);
        });
      } else {
        // 8.x catches every exception of the introspection and answers {"active":false}.
        it('client errors answer 200 {"active":false}', async () => {
          const c = await confidential(sim, SCOPE);
          const t = await passwordToken(sim, c, SCOPE);
          const tries: Record<string, string>[] = [
            { token: String(t.access_token), token_type_hint: 'access_token', client_id: c.client_id },
            { token: String(t.access_token), token_type_hint: 'access_token', client_id: 'nobody' },
            { token: String(t.access_token), client_id: c.client_id, client_secret: 'wrong' },
            { token: 'bogus', token_type_hint: 'refresh_token', client_id: c.client_id, client_secret: c.client_secret },
          ];
          for (const fields of tries) {
            const r = await introspect(fields);
            assert.equal(r.status, 200, `${JSON.stringify(fields)}: ${r.text}`);
            assert.deepEqual(r.json, { active: false });
          }
        });
      }
    });

    describe('CapabilityStatement', () => {
      const security = async () => {
        const r = await call(apis(sim, '/fhir/metadata'));
        assert.equal(r.status, 200);
        return { cs: body(r), sec: list(body(r).rest)[0]!.security! };
      };

      // FhirMetaDataRestController::getRestSecurity: the service has a text and a SMART-on-FHIR coding.
      it('security.service[] has a text and the SMART-on-FHIR coding of the flavor', async () => {
        const { sec } = await security();
        const service = list(sec.service)[0]!;
        assert.equal(String(service.text), 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)');
        const system =
          flavor === 7
            ? 'http://hl7.org/fhir/restful-security-service'
            : 'http://terminology.hl7.org/CodeSystem/restful-security-service';
        assert.equal(String(list(service.coding)[0]!.system), system);
        assert.equal(String(list(service.coding)[0]!.code), 'SMART-on-FHIR');
      });

      // FhirMetaDataRestController::addOauthSecurityExtensions: one extension per Capability::FHIR_SUPPORTED_CAPABILITIES.
      it('lists the twelve SMART capabilities as extensions', async () => {
        const { sec } = await security();
        const caps = list(sec.extension)
          .filter((e) => String(e.url) === 'http://fhir-registry.smarthealthit.org/StructureDefinition/capabilities')
          .map((e) => String(e.valueCode));
        assert.deepEqual(caps, SMART_CAPABILITIES);
      });

      if (flavor === 7) {
        // FhirMetaDataRestController.php:114-160 (7.0.3): token, authorize, register, introspect.
        it('has exactly four oauth-uris entries', async () => {
          const { sec } = await security();
          const uris = list(sec.extension).find(
            (e) => String(e.url) === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          );
          assert.ok(uris);
          assert.deepEqual(
            list(uris.extension).map((e) => String(e.url)),
            ['token', 'authorize', 'register', 'introspect'],
          );
        });
      } else {
        // RestControllerHelper.php:525: each resource names its US Core profiles.
        it('names supportedProfile for the US Core resources', async () => {
          const { cs } = await security();
          const patient = list(list(cs.rest)[0]!.resource).find((r) => String(r.type) === 'Patient');
          assert.ok(patient);
          assert.ok(
            list(patient.supportedProfile)
              .map(String)
              .includes('http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'),
          );
        });
      }

      // RestControllerHelper::getCapabilityRESTObject lists every route file resource, Group and Binary included.
      it('lists Group and Binary', async () => {
        const { cs } = await security();
        const types = list(list(cs.rest)[0]!.resource).map((r) => String(r.type));
        assert.ok(types.includes('Group') && types.includes('Binary'), types.join(','));
      });
    });

    describe('authentication before routing', () => {
      // AuthorizationListener.php:95-96: only the exact metadata and smart-configuration paths skip the token.
      for (const path of ['/fhir/metadatass', '/fhir/.well-known/smart-configurationss', '/api/no-such-route']) {
        it(`${path} without a token answers 401, not 404`, async () => {
          const r = await call(apis(sim, path));
          assert.equal(r.status, 401);
        });
      }
    });

    describe('malformed and unknown ids in the standard API', () => {
      // FacilityService.php:365 validateId, PatientService.php:585-592 isExistingUuid: 400 with one validationErrors entry.
      for (const resource of ['facility', 'patient', 'practitioner']) {
        for (const method of ['GET', 'PUT']) {
          it(`${method} /api/${resource}/not-a-uuid answers 400 with one validationErrors entry and empty data`, async () => {
            const token = await adminToken(sim);
            const url = apis(sim, `/api/${resource}/not-a-uuid`);
            const r = method === 'GET' ? await call(url, { token }) : await postJson(url, { fname: 'A' }, token, 'PUT');
            assert.equal(r.status, 400, r.text);
            assert.equal(Object.keys(body(r).validationErrors ?? {}).length, 1);
            assert.deepEqual(r.json && (r.json as Record<string, unknown>).data, []);
          });
        }
      }
    });

    describe('POST answers', () => {
      // FacilityService.php:401-404 and PractitionerService.php:221-224 return only the ids.
      it('POST facility and POST practitioner return data {id, uuid} only', async () => {
        const token = await adminToken(sim);
        const f = await postJson(apis(sim, '/api/facility'), { name: 'New Clinic', facility_npi: '1234567893' }, token);
        assert.equal(f.status, 201, f.text);
        assert.deepEqual(Object.keys(body(f).data ?? {}).sort(), ['id', 'uuid']);
        const p = await postJson(apis(sim, '/api/practitioner'), { fname: 'Ann', lname: 'Lee', npi: '1234567893' }, token);
        assert.equal(p.status, 201, p.text);
        assert.deepEqual(Object.keys(body(p).data ?? {}).sort(), ['id', 'uuid']);
      });

      // FhirServiceBase::insert returns the insert result, not the resource.
      for (const [type, resource] of [
        [
          'Patient',
          { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jo'] }], birthDate: '1990-01-01', gender: 'female' },
        ],
        ['Organization', { resourceType: 'Organization', name: 'Acme Clinic' }],
        ['Practitioner', { resourceType: 'Practitioner', name: [{ family: 'Smith', given: ['Al'] }] }],
      ] as const) {
        it(`FHIR POST ${type} returns the insert result ({uuid, …}), not the resource`, async () => {
          const token = await adminToken(sim);
          const r = await postJson(apis(sim, `/fhir/${type}`), resource, token);
          assert.equal(r.status, 201, r.text);
          assert.equal(body(r).resourceType, undefined);
          assert.match(String(body(r).uuid), /^[0-9a-f-]{36}$/);
        });
      }

      // FhirServiceBase.php:224: a bad uuid is a validation error.
      it('FHIR GET and PUT with a bad uuid answer 400 with validationErrors', async () => {
        const token = await adminToken(sim);
        const get = await call(apis(sim, '/fhir/Patient/not-a-uuid'), { token });
        assert.equal(get.status, 400, get.text);
        assert.ok(body(get).validationErrors);
        const put = await postJson(
          apis(sim, '/fhir/Patient/not-a-uuid'),
          { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jo'] }], birthDate: '1990-01-01', gender: 'female' },
          token,
          'PUT',
        );
        assert.equal(put.status, 400, put.text);
        assert.ok(body(put).validationErrors);
      });
    });

    if (flavor === 8) {
      describe('8.x only', () => {
        // tests/Tests/Api/HealthEndpointTest.php: no token, JSON.
        it('/meta/health/livez and /meta/health/readyz answer JSON without a token', async () => {
          const live = await call(`${sim.url}/meta/health/livez`);
          assert.equal(live.status, 200);
          assert.equal(body(live).status, 'alive');
          const ready = await call(`${sim.url}/meta/health/readyz`);
          assert.equal(ready.status, 200);
          assert.equal(body(ready).status, 'ready');
        });

        // ClaimRepository.php:21 includes profile.
        it('claims_supported includes profile', async () => {
          const d = await call(oauth(sim, '/.well-known/openid-configuration'));
          assert.ok(list(body(d).claims_supported).map(String).includes('profile'));
        });

        // RoutesExtensionListener.php:56: POST /fhir/Patient/_search is a search with the form body as parameters.
        it('POST /fhir/Patient/_search is a normal search', async () => {
          const token = await adminToken(sim);
          const r = await call(apis(sim, '/fhir/Patient/_search'), {
            method: 'POST',
            token,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: '_count=2',
          });
          assert.equal(r.status, 200, r.text);
          assert.equal(body(r).resourceType, 'Bundle');
          assert.equal(list(body(r).entry).length, 2);
        });
      });

      describe('8.x authorization code flow', () => {
        const cookieOf = (setCookie: string | null) => (setCookie ?? '').split(';')[0]!;
        const begin = async (scope: string) => {
          const c = await confidential(sim, scope);
          const params = new URLSearchParams({
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope,
            state: 's1',
          });
          return call(`${oauth(sim, '/authorize')}?${params}`);
        };
        const login = (cookie: string) =>
          form(oauth(sim, '/login'), { user_role: 'users', username: 'admin', password: 'pass', email: '' }, { Cookie: cookie });

        // AuthorizationController.php:616: the authorize request is stored in the session, then 307 to the login form.
        it('/authorize answers 307 to /oauth2/default/provider/login, which shows the login form', async () => {
          const r = await begin('openid api:fhir user/Patient.read');
          assert.equal(r.status, 307);
          assert.match(String(r.headers.get('location')), /\/oauth2\/default\/provider\/login$/);
          const page = await call(new URL(String(r.headers.get('location')), sim.url).href, {
            headers: { Cookie: cookieOf(r.headers.get('set-cookie')) },
          });
          assert.equal(page.status, 200);
          assert.match(page.text, /name="username"/);
        });

        // AuthorizationController::userLogin: 307 to the SMART patient selection when needed, else to the consent.
        it('after the login: 307 to /scope-authorize-confirm, or first to /smart/patient-select for launch/patient', async () => {
          const plain = await begin('openid api:fhir user/Patient.read');
          const toConsent = await login(cookieOf(plain.headers.get('set-cookie')));
          assert.equal(toConsent.status, 307, toConsent.text);
          assert.match(String(toConsent.headers.get('location')), /\/oauth2\/default\/scope-authorize-confirm$/);
          sim.reset();
          const launch = await begin('openid launch/patient api:fhir user/Patient.read');
          const toSelect = await login(cookieOf(launch.headers.get('set-cookie')));
          assert.equal(toSelect.status, 307, toSelect.text);
          assert.match(String(toSelect.headers.get('location')), /\/oauth2\/default\/smart\/patient-select$/);
        });
      });
    }

    // A public client registered for a patient app (no secret) refreshes with its client_id alone.
    it('a public client refreshes with no secret', async () => {
      const c = await register(sim, { application_type: 'public', scope: 'openid offline_access api:fhir patient/Patient.read' });
      const login = sim.logins.patients[0]!;
      const t = await passwordToken(sim, c, 'openid offline_access api:fhir patient/Patient.read', {
        user_role: 'patient',
        username: login.username,
        password: login.password,
        email: login.email,
      });
      const r = await form(oauth(sim, '/token'), {
        grant_type: 'refresh_token',
        client_id: c.client_id,
        refresh_token: String(t.refresh_token),
      });
      assert.equal(r.status, 200, r.text);
    });
  });
}
