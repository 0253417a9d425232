/** Facts §1 (discovery) and §2 (dynamic registration), for both flavors. */
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from './index.js';
import { apis, body, call, FLAVORS, list, oauth, postJson, register, REDIRECT, start } from './test-helpers.js';

for (const flavor of FLAVORS) {
  describe(`discovery and registration (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    before(async () => {
      sim = await start(flavor);
    });
    after(() => sim.close());
    afterEach(() => sim.reset());

    it('serves the OpenID configuration with OpenEMR endpoints and lists', async () => {
      const d = body(await call(oauth(sim, '/.well-known/openid-configuration')));
      assert.equal(d.issuer, oauth(sim, ''));
      assert.equal(d.jwks_uri, oauth(sim, '/jwk'));
      assert.equal(d.userinfo_endpoint, oauth(sim, '/userinfo'));
      assert.equal(d.end_session_endpoint, oauth(sim, '/logout'));
      assert.equal(d.introspection_endpoint, oauth(sim, '/introspect'));
      assert.deepEqual(d.grant_types_supported, ['authorization_code', 'password', 'refresh_token']);
      assert.deepEqual(d.code_challenge_methods_supported, ['S256', 'plain']);
      assert.deepEqual(d.token_endpoint_auth_methods_supported, ['client_secret_post']);
      assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256']);
      const scopes = list(d.scopes_supported).map(String);
      assert.ok(scopes.includes('api:oemr') && scopes.includes('user/patient.read') && scopes.includes('patient/Patient.read'));
      assert.ok(!scopes.includes('launch/encounter'));
      assert.equal(scopes.includes('patient/Patient.rs'), flavor === 8, 'SMART v2 scopes exist only in 8.x');
    });

    it('names its public address (site_addr_oath) in discovery and in the tokens it issues, behind a proxy', async () => {
      const publicUrl = 'https://emr.example.org';
      const proxied = await startSimulator({ port: 0, quiet: true, flavor, publicUrl });
      try {
        const local = `http://127.0.0.1:${proxied.port}`;
        const d = body(await call(`${local}/oauth2/default/.well-known/openid-configuration`));
        assert.equal(proxied.url, publicUrl);
        assert.equal(d.issuer, `${publicUrl}/oauth2/default`);
        assert.equal(d.token_endpoint, `${publicUrl}/oauth2/default/token`);
      } finally {
        await proxied.close();
      }
    });

    it('drops "password" from grant_types_supported when the password grant is off', async () => {
      sim.setGlobals({ oauth_password_grant: 0 });
      const d = body(await call(oauth(sim, '/.well-known/openid-configuration')));
      assert.deepEqual(d.grant_types_supported, ['authorization_code', 'refresh_token']);
    });

    it('publishes an RS256 JWKS at /jwk', async () => {
      const keys = list(body(await call(oauth(sim, '/jwk'))).keys);
      assert.equal(keys.length, 1);
      assert.equal(keys[0].kty, 'RSA');
      assert.equal(keys[0].alg, 'RS256');
      assert.equal(keys[0].d, undefined, 'no private part');
    });

    it('has no /userinfo route although discovery advertises it, and no /revoke endpoint', async () => {
      for (const path of ['/userinfo', '/revoke']) {
        const r = await call(oauth(sim, path), { method: path === '/revoke' ? 'POST' : 'GET' });
        assert.equal(r.status, 404, path);
        assert.equal(r.text, '', path);
      }
    });

    it('serves OperationDefinition without a token', async () => {
      const r = await call(apis(sim, '/fhir/OperationDefinition'));
      assert.equal(r.status, 200);
      assert.ok(list(body(r).entry).some((e) => String(e.resource.name) === '$export'));
    });

    it('serves FHIR metadata and smart-configuration without a token', async () => {
      const meta = await call(apis(sim, '/fhir/metadata'));
      assert.equal(meta.status, 200);
      assert.equal(body(meta).resourceType, 'CapabilityStatement');
      const smart = body(await call(apis(sim, '/fhir/.well-known/smart-configuration')));
      assert.equal(smart.issuer, apis(sim, '/fhir'));
      assert.deepEqual(smart.grant_types_supported, ['client_credentials', 'authorization_code']);
      assert.deepEqual(smart.code_challenge_methods_supported, ['S256']);
      assert.ok(list(smart.capabilities).map(String).includes('permission-v1'));
    });

    it('registers a confidential client: 200, secret, registration token and client URI', async () => {
      const r = await postJson(oauth(sim, '/registration'), {
        application_type: 'private',
        redirect_uris: [REDIRECT],
        client_name: 'x',
        scope: 'openid api:oemr patient/Patient.read',
      });
      assert.equal(r.status, 200);
      const c = body(r);
      assert.ok(String(c.client_id).length > 20);
      assert.ok(String(c.client_secret).length > 20);
      assert.ok(String(c.registration_access_token).length > 10);
      assert.ok(String(c.registration_client_uri).startsWith(oauth(sim, '/client/')));
      assert.equal(c.client_secret_expires_at, 0);
      assert.equal(c.client_role, 'user');
      assert.equal(sim.clients()[0].enabled, true, 'confidential client with only patient/ scopes is auto-enabled');
    });

    it(`echoes every registration field of facts §2${flavor === 8 ? ', with the 8.x dsi_ fields' : '; 7.0.3 ignores the dsi_ fields'}`, async () => {
      const fields = {
        application_type: 'private',
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
        client_name: 'All fields',
        contacts: ['dev@example.com'],
        scope: 'openid api:fhir patient/Patient.read',
        token_endpoint_auth_method: 'client_secret_post',
        jwks_uri: 'https://app.example/jwks',
        initiate_login_uri: 'https://app.example/launch',
        logo_uri: 'https://app.example/logo.png',
        policy_uri: 'https://app.example/policy',
        tos_uri: 'https://app.example/tos',
        sector_identifier_uri: 'https://app.example/sector',
        subject_type: 'public',
        default_max_age: 3600,
        require_auth_time: true,
        default_acr_values: ['1'],
        request_uris: ['https://app.example/req'],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
      };
      const dsi = { dsi_type: 'evidence-based', dsi_source_attributes: [{ name: 'developer', value: 'x' }] };
      const r = body(await postJson(oauth(sim, '/registration'), { ...fields, ...dsi }));
      const { scope, ...echoed } = fields;
      for (const [k, v] of Object.entries(echoed)) assert.deepEqual(r[k], v, k);
      assert.equal(r.scope, scope);
      assert.equal(typeof r.client_id_issued_at, 'number');
      for (const [k, v] of Object.entries(dsi)) assert.deepEqual(r[k], flavor === 8 ? v : undefined, k);
    });

    it('uses the default scope list when scope is omitted, and gives public clients an empty secret', async () => {
      const c = await register(sim, {});
      assert.equal(c.scope, 'openid email phone address api:oemr api:fhir api:port');
      assert.equal(c.client_secret, '');
      assert.equal(c.client_role, 'patient');
    });

    it('reads the client back with the registration access token only', async () => {
      const c = await register(sim, { application_type: 'private', scope: 'openid api:oemr' });
      const ok = await call(c.registration_client_uri, { token: c.registration_access_token });
      assert.equal(ok.status, 200);
      assert.equal(body(ok).client_id, c.client_id);
      assert.equal(body(ok).client_secret, undefined, 'the secret cannot be retrieved again');
      const bad = await call(c.registration_client_uri, { token: 'wrong' });
      assert.equal(bad.status, 401);
    });

    describe('which new clients start disabled', () => {
      const cases: Array<[string, Record<string, unknown>, boolean]> = [
        ['public patient app', { scope: 'openid patient/Patient.read' }, true],
        ['public app asking for launch', { scope: 'openid launch patient/Patient.read' }, false],
        ['confidential with user/ scopes', { application_type: 'private', scope: 'openid user/Patient.read' }, false],
        ['confidential with only patient/ scopes', { application_type: 'private', scope: 'openid patient/Patient.read' }, true],
      ];
      for (const [name, metadata, enabled] of cases) {
        it(`${name}: ${enabled ? 'enabled' : 'disabled'}`, async () => {
          const c = await register(sim, metadata);
          assert.equal(sim.clients().find((x) => x.client_id === c.client_id)?.enabled, enabled);
        });
      }
      it('every client when oauth_app_manual_approval is 1', async () => {
        sim.setGlobals({ oauth_app_manual_approval: 1 });
        const c = await register(sim, { scope: 'openid patient/Patient.read' });
        assert.equal(sim.clients().find((x) => x.client_id === c.client_id)?.enabled, false);
      });
    });

    describe('registration errors', () => {
      const cases: Array<[string, string, Record<string, string>, string, string]> = [
        ['wrong content type', '{}', { 'Content-Type': 'text/plain' }, 'invalid_client_metadata', 'Unexpected content type'],
        ['empty body', '', { 'Content-Type': 'application/json' }, 'invalid_client_metadata', 'No JSON body'],
        [
          'malformed JSON',
          '{"redirect_uris": [',
          { 'Content-Type': 'application/json' },
          'invalid_client_metadata',
          'Invalid JSON',
        ],
        [
          'missing redirect_uris',
          '{"client_name":"x"}',
          { 'Content-Type': 'application/json' },
          'invalid_redirect_uri',
          'redirect_uris is invalid',
        ],
        [
          'bad post_logout_redirect_uris',
          `{"redirect_uris":["${REDIRECT}"],"post_logout_redirect_uris":"x"}`,
          { 'Content-Type': 'application/json' },
          'invalid_redirect_uri',
          'post_logout_redirect_uris is invalid',
        ],
        [
          'unsupported auth method',
          `{"redirect_uris":["${REDIRECT}"],"token_endpoint_auth_method":"none"}`,
          { 'Content-Type': 'application/json' },
          'invalid_client_metadata',
          'Unsupported token_endpoint_auth_method value : none',
        ],
        [
          'public client asking for user/ scopes',
          `{"redirect_uris":["${REDIRECT}"],"scope":"openid user/Patient.read"}`,
          { 'Content-Type': 'application/json' },
          'invalid_client_metadata',
          'system and user scopes are only allowed for confidential clients',
        ],
      ];
      for (const [name, payload, headers, error, description] of cases) {
        it(`${name} -> 400 ${error}`, async () => {
          const r = await call(oauth(sim, '/registration'), { method: 'POST', headers, body: payload });
          assert.equal(r.status, 400);
          assert.equal(body(r).error, error);
          assert.equal(body(r).error_description, description);
          assert.equal(body(r).message, description);
        });
      }

      it('an unknown scope -> invalid_scope with the scope in the hint', async () => {
        const r = await postJson(oauth(sim, '/registration'), { redirect_uris: [REDIRECT], scope: 'openid launch/encounter' });
        assert.equal(r.status, 400);
        assert.equal(body(r).error, 'invalid_scope');
        assert.equal(body(r).hint, 'Check the `launch/encounter` scope');
      });

      it('system/ scopes need system scopes on, then jwks', async () => {
        const off = await postJson(oauth(sim, '/registration'), {
          application_type: 'private',
          redirect_uris: [REDIRECT],
          scope: 'system/Patient.read',
        });
        assert.equal(body(off).error, 'invalid_scope');
        sim.setGlobals({ rest_system_scopes_api: 1 });
        const noJwks = await postJson(oauth(sim, '/registration'), {
          application_type: 'private',
          redirect_uris: [REDIRECT],
          scope: 'system/Patient.read',
        });
        assert.equal(noJwks.status, 400);
        assert.equal(body(noJwks).error_description, 'jwks is invalid');
      });

      it(`private_key_jwt is ${flavor === 7 ? 'refused in 7.0.3' : 'accepted in 8.x'}`, async () => {
        const r = await postJson(oauth(sim, '/registration'), {
          application_type: 'private',
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: 'private_key_jwt',
          scope: 'openid',
        });
        assert.equal(r.status, flavor === 7 ? 400 : 200);
      });

      it(`SMART v2 scopes are ${flavor === 7 ? 'unknown in 7.0.3' : 'accepted in 8.x, in c r u d s order only'}`, async () => {
        const v2 = await postJson(oauth(sim, '/registration'), {
          redirect_uris: [REDIRECT],
          scope:
            'openid patient/Patient.rs patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
        });
        assert.equal(v2.status, flavor === 7 ? 400 : 200);
        const disordered = await postJson(oauth(sim, '/registration'), {
          redirect_uris: [REDIRECT],
          scope: 'openid patient/Patient.sr',
        });
        assert.equal(body(disordered).error, 'invalid_scope');
      });
    });
  });
}
