/** Facts §3: each grant, its documented errors, rotation, introspection and logout, for both flavors. */
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
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
  FLAVORS,
  form,
  oauth,
  passwordToken,
  pkcePair,
  REDIRECT,
  register,
  start,
} from './test-helpers.js';

for (const flavor of FLAVORS) {
  describe(`grants (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    before(async () => {
      sim = await start(flavor);
    });
    after(() => sim.close());
    afterEach(() => sim.reset());

    /** The admin signs in through the browser and picks `patient` as the launch context. */
    const launchAs = async (scope: string, patient: string) => {
      const c = await confidential(sim, scope);
      const back = await authorizeInBrowser(
        sim,
        { response_type: 'code', client_id: c.client_id, redirect_uri: REDIRECT, scope },
        ADMIN_LOGIN,
        { proceed: '1', patient },
      );
      const t = await form(oauth(sim, '/token'), {
        grant_type: 'authorization_code',
        client_id: c.client_id,
        client_secret: c.client_secret,
        code: back.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
      });
      return { c, tokens: body(t) };
    };

    describe('password', () => {
      it('issues RS256 JWTs verifiable with the JWKS; refresh token only with offline_access', async () => {
        const c = await confidential(sim, 'openid offline_access api:oemr user/patient.read');
        const t = await passwordToken(sim, c, 'openid api:oemr user/patient.read');
        assert.equal(t.token_type, 'Bearer');
        assert.equal(t.expires_in, 3600);
        assert.equal(t.refresh_token, undefined);
        const jwks = createLocalJWKSet((await call(oauth(sim, '/jwk'))).json as JSONWebKeySet);
        const { payload, protectedHeader } = await jwtVerify(String(t.access_token), jwks);
        assert.equal(protectedHeader.alg, 'RS256');
        assert.equal(payload.aud, c.client_id);
        assert.equal(payload.iss, oauth(sim, ''));
        assert.ok(String(t.id_token).split('.').length === 3);
        const withOffline = await passwordToken(sim, c, 'openid offline_access api:oemr user/patient.read');
        assert.ok(String(withOffline.refresh_token).length > 20);
      });

      it(`scope in the response hides site:; ${flavor === 7 ? '7.0.3 puts site:default in the token' : '8.x keeps it out'}`, async () => {
        const c = await confidential(sim, 'openid api:oemr user/patient.read');
        const t = await passwordToken(sim, c, 'openid api:oemr user/patient.read');
        assert.equal(t.scope, 'openid api:oemr user/patient.read');
        assert.equal((decodeJwt(String(t.access_token)).scopes as string[]).includes('site:default'), flavor === 7);
      });

      it('drops scopes the client did not register; unknown scopes give invalid_scope', async () => {
        const c = await confidential(sim, 'openid api:oemr user/patient.read');
        const t = await passwordToken(sim, c, 'openid api:oemr user/patient.read user/encounter.read');
        assert.equal(t.scope, 'openid api:oemr user/patient.read');
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'users',
          username: 'admin',
          password: 'pass',
          scope: 'openid launch/encounter',
        });
        assert.equal(r.status, 400);
        assert.equal(body(r).error, 'invalid_scope');
        assert.equal(body(r).hint, 'Check the `launch/encounter` scope');
      });

      it('patients log in with role patient and their email', async () => {
        const c = await register(sim, { scope: 'openid api:port api:fhir patient/Patient.read' });
        const p = sim.logins.patients[0];
        const t = await passwordToken(sim, c, 'openid api:port patient/Patient.read', {
          user_role: 'patient',
          username: p.username,
          password: 'pass',
          email: p.email,
        });
        assert.equal(t.patient, p.uuid);
        const missing = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'patient',
          username: p.username,
          password: 'pass',
          scope: 'openid',
        });
        assert.equal(body(missing).error, 'invalid_request');
        assert.equal(body(missing).hint, 'Check the `email` parameter');
      });

      it('wrong password or a role the setting forbids -> invalid_grant "Failed Authentication"', async () => {
        const c = await confidential(sim, 'openid api:oemr');
        const wrong = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'users',
          username: 'admin',
          password: 'nope',
          scope: 'openid',
        });
        assert.equal(wrong.status, 400);
        assert.equal(body(wrong).error, 'invalid_grant');
        assert.equal(body(wrong).hint, 'Failed Authentication');
        sim.setGlobals({ oauth_password_grant: 2 });
        const forbidden = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'users',
          username: 'admin',
          password: 'pass',
          scope: 'openid',
        });
        assert.equal(body(forbidden).hint, 'Failed Authentication');
      });

      it('missing fields -> invalid_request naming the parameter', async () => {
        const c = await confidential(sim, 'openid');
        for (const field of ['user_role', 'username', 'password']) {
          const fields: Record<string, string> = {
            grant_type: 'password',
            client_id: c.client_id,
            user_role: 'users',
            username: 'admin',
            password: 'pass',
          };
          delete fields[field];
          const r = await form(oauth(sim, '/token'), fields);
          assert.equal(r.status, 400);
          assert.equal(body(r).hint, `Check the \`${field}\` parameter`);
        }
      });

      it('off -> unsupported_grant_type; disabled or unknown client -> invalid_client 401', async () => {
        const disabled = await register(sim, { application_type: 'private', scope: 'openid user/patient.read' });
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: disabled.client_id,
          user_role: 'users',
          username: 'admin',
          password: 'pass',
        });
        assert.equal(r.status, 401);
        assert.equal(body(r).error, 'invalid_client');
        assert.equal(body(r).error_description, 'Client authentication failed');
        sim.setGlobals({ oauth_password_grant: 0 });
        const off = await form(oauth(sim, '/token'), { grant_type: 'password', client_id: disabled.client_id });
        assert.equal(off.status, 400);
        assert.equal(body(off).error, 'unsupported_grant_type');
        assert.equal(body(off).hint, 'Check that all required parameters have been provided');
      });

      it('MFA: the mfa user needs a valid mfa_token; patients get mfa_not_supported', async () => {
        const c = await confidential(sim, 'openid api:oemr');
        const base = {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'users',
          username: 'mfa',
          password: 'pass',
          scope: 'openid',
        };
        const bad = await form(oauth(sim, '/token'), {
          ...base,
          mfa_token: '000000' === sim.currentMfaCode() ? '111111' : '000000',
        });
        assert.equal(bad.status, 401);
        assert.equal(body(bad).error, 'mfa_token_invalid');
        const good = await form(oauth(sim, '/token'), { ...base, mfa_token: sim.currentMfaCode() });
        assert.equal(good.status, 200);
        const p = sim.logins.patients[0];
        const patient = await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'patient',
          username: p.username,
          password: 'pass',
          email: p.email,
          mfa_token: '123456',
        });
        assert.equal(patient.status, 403);
        assert.equal(body(patient).error, 'mfa_not_supported');
      });
    });

    describe('authorization_code', () => {
      it('public client with PKCE S256: login form, consent, code, token; state comes back', async () => {
        const c = await register(sim, { scope: 'openid offline_access api:fhir patient/Patient.read' });
        const { verifier, challenge } = pkcePair();
        const p = sim.logins.patients[1];
        const back = await authorizeInBrowser(
          sim,
          {
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid offline_access api:fhir patient/Patient.read',
            state: 'xyz',
            aud: apis(sim, '/fhir'),
            code_challenge: challenge,
            code_challenge_method: 'S256',
            nonce: 'n1',
          },
          { user_role: 'patient', username: p.username, password: 'pass', email: p.email },
        );
        assert.equal(back.searchParams.get('state'), 'xyz');
        const code = back.searchParams.get('code') ?? '';
        const wrongVerifier = await form(oauth(sim, '/token'), {
          grant_type: 'authorization_code',
          client_id: c.client_id,
          code,
          redirect_uri: REDIRECT,
          code_verifier: 'x'.repeat(43),
        });
        assert.equal(body(wrongVerifier).error, 'invalid_grant');
        const second = await authorizeInBrowser(
          sim,
          {
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid offline_access api:fhir patient/Patient.read',
            state: 's2',
            aud: apis(sim, '/fhir'),
            code_challenge: challenge,
            code_challenge_method: 'S256',
            nonce: 'n1',
          },
          { user_role: 'patient', username: p.username, password: 'pass', email: p.email },
        );
        const t = await form(oauth(sim, '/token'), {
          grant_type: 'authorization_code',
          client_id: c.client_id,
          code: second.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        });
        assert.equal(t.status, 200, t.text);
        assert.equal(body(t).patient, p.uuid);
        assert.equal(decodeJwt(String(body(t).id_token)).nonce, 'n1');
        assert.ok(body(t).refresh_token);
        const replay = await form(oauth(sim, '/token'), {
          grant_type: 'authorization_code',
          client_id: c.client_id,
          code: second.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        });
        assert.equal(body(replay).error, 'invalid_grant', 'codes are single-use');
      });

      it('confidential client with Basic auth and plain PKCE; the consent form can narrow scopes', async () => {
        const scope = 'openid api:oemr user/patient.read user/encounter.read';
        const c = await confidential(sim, scope);
        const back = await authorizeInBrowser(
          sim,
          {
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope,
            state: 's',
            code_challenge: 'plain-verifier-plain-verifier-plain-verifier',
            code_challenge_method: 'plain',
          },
          ADMIN_LOGIN,
          { proceed: '1', scopes_submitted: '1', scope: 'openid' },
        );
        const basic = Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64');
        const wrongSecret = await form(
          oauth(sim, '/token'),
          {
            grant_type: 'authorization_code',
            code: back.searchParams.get('code') ?? '',
            redirect_uri: REDIRECT,
            code_verifier: 'plain-verifier-plain-verifier-plain-verifier',
          },
          { Authorization: `Basic ${Buffer.from(`${c.client_id}:nope`).toString('base64')}` },
        );
        assert.equal(wrongSecret.status, 401);
        const t = await form(
          oauth(sim, '/token'),
          {
            grant_type: 'authorization_code',
            code: back.searchParams.get('code') ?? '',
            redirect_uri: REDIRECT,
            code_verifier: 'plain-verifier-plain-verifier-plain-verifier',
          },
          { Authorization: `Basic ${basic}` },
        );
        assert.equal(t.status, 200, t.text);
        assert.equal(body(t).scope, 'openid');
      });

      it('authorize checks: exact redirect_uri, PKCE for public clients, aud, unknown scopes; deny redirects with access_denied', async () => {
        const c = await register(sim, { scope: 'openid api:fhir patient/Patient.read' });
        const q = (extra: Record<string, string>) =>
          `${oauth(sim, '/authorize')}?${new URLSearchParams({ response_type: 'code', client_id: c.client_id, redirect_uri: REDIRECT, scope: 'openid', state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra })}`;
        const wrongRedirect = await call(q({ redirect_uri: `${REDIRECT}/other` }));
        assert.equal(wrongRedirect.status, 401);
        const noPkce = await call(q({ code_challenge: '' }));
        assert.equal(noPkce.status, 302);
        assert.equal(new URL(noPkce.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
        const badAud = await call(q({ aud: 'https://elsewhere.example/fhir' }));
        assert.equal(new URL(badAud.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
        const unknown = await call(q({ scope: 'openid launch/encounter' }));
        assert.equal(new URL(unknown.headers.get('location') ?? '').searchParams.get('error'), 'invalid_scope');
        const p = sim.logins.patients[0];
        const denied = await authorizeInBrowser(
          sim,
          {
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid',
            state: 'd',
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
          },
          { user_role: 'patient', username: p.username, password: 'pass', email: p.email },
          { deny: '1' },
        );
        assert.equal(denied.searchParams.get('error'), 'access_denied');
        assert.equal(denied.searchParams.get('state'), 'd');
      });

      it('codes live one minute', async () => {
        const c = await register(sim, { scope: 'openid api:fhir' });
        const { verifier, challenge } = pkcePair();
        const back = await authorizeInBrowser(
          sim,
          {
            response_type: 'code',
            client_id: c.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid',
            code_challenge: challenge,
            code_challenge_method: 'S256',
          },
          ADMIN_LOGIN,
        );
        const realNow = Date.now;
        Date.now = () => realNow() + 61_000;
        try {
          const r = await form(oauth(sim, '/token'), {
            grant_type: 'authorization_code',
            client_id: c.client_id,
            code: back.searchParams.get('code') ?? '',
            redirect_uri: REDIRECT,
            code_verifier: verifier,
          });
          assert.equal(body(r).error, 'invalid_grant');
          assert.equal(body(r).hint, 'Authorization code has expired');
        } finally {
          Date.now = realNow;
        }
      });

      it('a user asking for launch/patient gets a patient context', async () => {
        const target = sim.logins.patients[2].uuid;
        const { tokens } = await launchAs('openid launch/patient api:fhir user/Patient.read', target);
        assert.equal(tokens.patient, target);
      });
    });

    describe('refresh_token', () => {
      it('rotates: the old refresh token stops working; scope must name exact original identifiers', async () => {
        const scope = 'openid offline_access api:oemr user/patient.read';
        const c = await confidential(sim, scope);
        const first = await passwordToken(sim, c, scope);
        const refresh = (token: string, extra: Record<string, string> = {}) =>
          form(oauth(sim, '/token'), {
            grant_type: 'refresh_token',
            refresh_token: token,
            client_id: c.client_id,
            client_secret: c.client_secret,
            ...extra,
          });
        const second = await refresh(String(first.refresh_token));
        assert.equal(second.status, 200);
        assert.notEqual(body(second).refresh_token, first.refresh_token);
        const reused = await refresh(String(first.refresh_token));
        assert.equal(reused.status, 400);
        assert.equal(body(reused).error, 'invalid_grant');
        assert.equal(body(reused).hint, 'Token has been revoked');
        const narrowed = await refresh(String(body(second).refresh_token), { scope: 'offline_access api:oemr' });
        assert.equal(narrowed.status, 200);
        assert.equal(body(narrowed).scope, 'offline_access api:oemr');
        const widened = await refresh(String(body(narrowed).refresh_token), {
          scope: 'offline_access api:oemr user/patient.read',
        });
        assert.equal(body(widened).error, 'invalid_scope');
        assert.equal(body(widened).hint, 'Check the `user/patient.read` scope');
      });

      it('the launch context (patient) carries over to the refreshed token', async () => {
        const target = sim.logins.patients[1].uuid;
        const { c, tokens } = await launchAs('openid offline_access launch/patient api:fhir user/Patient.read', target);
        const refreshed = await form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          refresh_token: String(tokens.refresh_token),
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(body(refreshed).patient, target);
      });

      // ClientRepository::validateClient checks no secret for this grant (7.0.3:209-211); the client must be enabled.
      it('needs no client secret, but an enabled client', async () => {
        const scope = 'openid offline_access api:oemr';
        const c = await confidential(sim, scope);
        const t = await passwordToken(sim, c, scope);
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          refresh_token: String(t.refresh_token),
          client_id: c.client_id,
        });
        assert.equal(r.status, 200, r.text);
        sim.disableClient(c.client_id);
        const disabled = await form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          refresh_token: String(body(r).refresh_token),
          client_id: c.client_id,
        });
        assert.equal(disabled.status, 401);
        assert.equal(body(disabled).error, 'invalid_client');
      });
    });

    describe('client_credentials', () => {
      it('RS384 assertion against the registered jwks: 300 s token, no refresh, jti reuse refused', async () => {
        sim.setGlobals({ rest_system_scopes_api: 1 });
        const key = await assertionKey();
        const c = await confidential(sim, 'system/Patient.read system/*.$export offline_access', {
          jwks: key.jwks,
          token_endpoint_auth_method: flavor === 8 ? 'private_key_jwt' : 'client_secret_post',
        });
        const aud = oauth(sim, '/token');
        const assertion = await key.sign(c.client_id, aud, 'jti-1');
        const ok = await form(aud, {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
          scope: 'system/Patient.read offline_access',
        });
        assert.equal(ok.status, 200, ok.text);
        assert.equal(body(ok).expires_in, 300);
        assert.equal(body(ok).refresh_token, undefined);
        const reuse = await form(aud, {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await key.sign(c.client_id, aud, 'jti-1'),
          scope: 'system/Patient.read',
        });
        assert.equal(reuse.status, 401);
        const wrongAud = await form(aud, {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await key.sign(c.client_id, 'https://elsewhere/token'),
          scope: 'system/Patient.read',
        });
        assert.equal(body(wrongAud).error, 'invalid_client');
        const other = await assertionKey();
        const forged = await form(aud, {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await other.sign(c.client_id, aud),
          scope: 'system/Patient.read',
        });
        assert.equal(forged.status, 401);
      });

      it('without system scopes switched on the grant is unsupported', async () => {
        const r = await form(oauth(sim, '/token'), {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: 'x.y.z',
        });
        assert.equal(body(r).error, 'unsupported_grant_type');
      });
    });

    describe('introspection and logout', () => {
      it('introspects access and refresh tokens; documented errors', async () => {
        const scope = 'openid offline_access api:oemr user/patient.read';
        const c = await confidential(sim, scope);
        const t = await passwordToken(sim, c, scope);
        const intro = (fields: Record<string, string>) => form(oauth(sim, '/introspect'), fields);
        const active = await intro({
          token: String(t.access_token),
          token_type_hint: 'access_token',
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(body(active).active, true);
        assert.equal(body(active).client_id, c.client_id);
        assert.equal(body(active).scope, scope);
        const refresh = await intro({
          token: String(t.refresh_token),
          token_type_hint: 'refresh_token',
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(body(refresh).active, true);
        const garbage = await intro({
          token: 'garbage',
          token_type_hint: 'access_token',
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        const errors = [
          garbage,
          await intro({ token: 'x', token_type_hint: 'access_token', client_id: 'nobody' }),
          await intro({ token: 'x', token_type_hint: 'access_token', client_id: c.client_id, client_secret: 'no' }),
          await intro({ token: 'x', token_type_hint: 'id_token', client_id: c.client_id, client_secret: c.client_secret }),
          await intro({ token: 'x', token_type_hint: 'access_token', client_id: c.client_id }),
        ];
        if (flavor === 8) {
          // 8.x catches every exception of the introspection: 200 {"active":false}
          for (const r of errors) assert.deepEqual([r.status, r.json], [200, { active: false }]);
          return;
        }
        // 7.0.3: an unreadable token is a 400 with the parser's text; client errors are league JSON
        assert.equal(garbage.status, 400);
        assert.equal(garbage.json, undefined);
        const [, unknownClient, badSecret, badHint, noSecret] = errors;
        assert.deepEqual([unknownClient.status, body(unknownClient).error_description], [401, 'Not a registered client']);
        assert.deepEqual([badSecret.status, body(badSecret).error_description], [401, 'Client failed security']);
        assert.deepEqual([badHint.status, body(badHint).error_description], [400, 'Missing token or unsupported hint.']);
        assert.deepEqual([noSecret.status, body(noSecret).error_description], [400, 'Invalid client app type']);
      });

      it('logout ends the session: API calls answer "Refresh Token revoked or logged out", introspection says inactive', async () => {
        const scope = 'openid offline_access api:oemr user/patient.read';
        const c = await confidential(sim, scope, { post_logout_redirect_uris: ['http://127.0.0.1:9/bye'] });
        const t = await passwordToken(sim, c, scope);
        const missing = await call(oauth(sim, '/logout'));
        assert.equal(missing.status, 400);
        assert.equal(body(missing).error, 'invalid _request');
        assert.equal(body(missing).error_description, 'Id token missing from request');
        const forged = await call(`${oauth(sim, '/logout')}?id_token_hint=${String(t.id_token).slice(0, -4)}AAAA`);
        assert.equal(body(forged).error_description, 'Id token not issued from this server');
        const out = await call(
          `${oauth(sim, '/logout')}?${new URLSearchParams({ id_token_hint: String(t.id_token), post_logout_redirect_uri: 'http://127.0.0.1:9/bye', state: 'q' })}`,
        );
        // 7.0.3 header('Location: …') is a 302; 8.x answers 307
        assert.equal(out.status, flavor === 7 ? 302 : 307);
        assert.equal(out.headers.get('location'), 'http://127.0.0.1:9/bye?state=q');
        const api = await call(apis(sim, '/api/patient'), { token: String(t.access_token) });
        assert.equal(api.status, 400);
        assert.equal(body(api).error_description, 'Refresh Token revoked or logged out');
        const intro = await form(oauth(sim, '/introspect'), {
          token: String(t.access_token),
          token_type_hint: 'access_token',
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(body(intro).active, false);
        const refresh = await form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          refresh_token: String(t.refresh_token),
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
        assert.equal(refresh.status, 400);
      });
    });
  });
}
