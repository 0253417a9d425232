/**
 * Facts §3: an RS384 client assertion authenticates client_credentials in 7.0.3 and 8.x alike; registering
 * `private_key_jwt` and using an assertion for authorization_code or introspection are 8.x only.
 */
import assert from 'node:assert/strict';
import type { RunningSimulator } from './index.js';
import {
  ADMIN_LOGIN,
  apis,
  assertionKey,
  ASSERTION_TYPE,
  authorizeInBrowser,
  body,
  call,
  confidential,
  exportOutputs,
  FLAVORS,
  form,
  oauth,
  REDIRECT,
  start,
} from './test-helpers.js';

const SYSTEM_SCOPE = 'system/Patient.read system/*.$export system/*.$bulkdata-status';

for (const flavor of FLAVORS) {
  describe(`client assertions (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    before(async () => {
      sim = await start(flavor);
    });
    after(() => sim.close());
    afterEach(() => sim.reset());

    const assertionGrant = (assertion: string, scope = SYSTEM_SCOPE) =>
      form(oauth(sim, '/token'), {
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        scope,
      });

    it('client_credentials works for a client registered with jwks and the default auth method, and its token exports', async () => {
      sim.setGlobals({ rest_system_scopes_api: 1 });
      const key = await assertionKey();
      const c = await confidential(sim, SYSTEM_SCOPE, { jwks: key.jwks });
      const t = await assertionGrant(await key.sign(c.client_id, oauth(sim, '/token')));
      assert.equal(t.status, 200, t.text);
      assert.equal(body(t).expires_in, 300);
      assert.equal(body(t).scope, SYSTEM_SCOPE);
      const token = String(body(t).access_token);
      assert.equal((await call(apis(sim, '/fhir/Patient?_count=2'), { token })).status, 200);
      const outputs = await exportOutputs(sim, token, '/$export?_type=Patient');
      assert.equal(Number(outputs[0].count), 20);
    });

    it('the assertion must be signed by a registered key, for this client, with RS384', async () => {
      sim.setGlobals({ rest_system_scopes_api: 1 });
      const key = await assertionKey();
      const c = await confidential(sim, SYSTEM_SCOPE, { jwks: key.jwks });
      const other = await confidential(sim, SYSTEM_SCOPE, { jwks: (await assertionKey()).jwks });
      const aud = oauth(sim, '/token');
      const asOther = await assertionGrant(await key.sign(other.client_id, aud));
      assert.deepEqual([asOther.status, body(asOther).error], [401, 'invalid_client']);
      const secretOnly = await form(aud, {
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_secret: c.client_secret,
        scope: SYSTEM_SCOPE,
      });
      assert.deepEqual([secretOnly.status, body(secretOnly).error], [401, 'invalid_client']);
      sim.disableClient(c.client_id);
      const disabled = await assertionGrant(await key.sign(c.client_id, aud));
      assert.deepEqual([disabled.status, body(disabled).error], [401, 'invalid_client']);
    });

    it(`authorization_code with a client assertion is ${flavor === 8 ? 'accepted in 8.x' : 'refused in 7.0.3 (secret only)'}`, async () => {
      const key = await assertionKey();
      const scope = 'openid api:oemr user/patient.read';
      const c = await confidential(sim, scope, {
        jwks: key.jwks,
        ...(flavor === 8 ? { token_endpoint_auth_method: 'private_key_jwt' } : {}),
      });
      const code = async () =>
        (
          await authorizeInBrowser(
            sim,
            { response_type: 'code', client_id: c.client_id, redirect_uri: REDIRECT, scope, state: 's' },
            ADMIN_LOGIN,
          )
        ).searchParams.get('code') ?? '';
      const aud = oauth(sim, '/token');
      const withAssertion = await form(aud, {
        grant_type: 'authorization_code',
        code: await code(),
        redirect_uri: REDIRECT,
        client_id: c.client_id,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await key.sign(c.client_id, aud),
      });
      if (flavor === 8) assert.equal(withAssertion.status, 200, withAssertion.text);
      else assert.deepEqual([withAssertion.status, body(withAssertion).error], [401, 'invalid_client']);
      const withSecret = await form(aud, {
        grant_type: 'authorization_code',
        code: await code(),
        redirect_uri: REDIRECT,
        client_id: c.client_id,
        client_secret: c.client_secret,
      });
      assert.equal(withSecret.status, 200, withSecret.text);
    });

    it(`introspection authenticated by a client assertion is ${flavor === 8 ? 'accepted in 8.x' : 'refused in 7.0.3'}`, async () => {
      sim.setGlobals({ rest_system_scopes_api: 1 });
      const key = await assertionKey();
      const c = await confidential(sim, SYSTEM_SCOPE, { jwks: key.jwks });
      const token = String(body(await assertionGrant(await key.sign(c.client_id, oauth(sim, '/token')))).access_token);
      const intro = await form(oauth(sim, '/introspect'), {
        token,
        token_type_hint: 'access_token',
        client_id: c.client_id,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await key.sign(c.client_id, oauth(sim, '/introspect')),
      });
      if (flavor === 8) assert.deepEqual([intro.status, body(intro).active], [200, true]);
      else assert.deepEqual([intro.status, body(intro).error_description], [401, 'Client failed security']);
    });
  });
}
