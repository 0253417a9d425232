import assert from 'node:assert/strict';
import {
  decodeClaims,
  discover,
  generateClientKeyPair,
  OpenEmrError,
  predictEnabled,
  readRegistration,
  registerClient,
  type OpenEmrErrorKind,
} from '../../../src/core';
import {
  adminPasswordTokens,
  driveBrowser,
  enabledClient,
  oauthFor,
  startSim,
  USER_SCOPES,
  type SimContext,
} from './sim-helpers';

function isKind(kind: OpenEmrErrorKind) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof OpenEmrError, String(e));
    assert.equal(e.kind, kind, e.message);
    return true;
  };
}

for (const flavor of [7, 8] as const) {
  describe(`core grants against the simulator (flavor ${flavor})`, () => {
    let ctx: SimContext;
    before(async () => {
      ctx = await startSim({ flavor, systemScopes: true });
    });
    after(() => ctx.close());
    afterEach(() => ctx.sim.setGlobals({ oauth_password_grant: 3 }));

    it('discovers endpoints, grants, scopes, APIs and the version', async () => {
      const caps = await discover(ctx.http);
      assert.equal(caps.apis.oauth, true);
      assert.equal(caps.apis.fhir, true);
      assert.equal(caps.apis.standard, true);
      assert.ok(caps.grantTypes.includes('authorization_code'));
      assert.equal(caps.passwordGrant, true);
      assert.ok(caps.scopesSupported.includes('api:oemr'));
      assert.equal(caps.endpoints.token, `${ctx.sim.url}/oauth2/default/token`);
      assert.equal(caps.flavor, flavor);
      assert.equal(caps.v2Scopes, flavor === 8);
      assert.equal(caps.systemScopes, true);
      assert.ok(caps.capability && caps.capability.resources.some((r) => r.type === 'Patient'));
      assert.ok(caps.smartCapabilities.length > 0);
    });

    it(`discovers a switched-off password grant and ${flavor === 7 ? 'a switched-off FHIR API (7.0.3: 501)' : 'no per-API switch under /apis (8.x)'}`, async () => {
      ctx.sim.setGlobals({ oauth_password_grant: 0, rest_fhir_api: 0 });
      try {
        const caps = await discover(ctx.http);
        assert.equal(caps.passwordGrant, false);
        assert.ok(!caps.grantTypes.includes('password'));
        assert.equal(caps.apis.oauth, true);
        assert.equal(caps.apis.standard, true);
        assert.equal(caps.apis.fhir, flavor === 8);
        if (flavor === 7) assert.equal(caps.errors.metadata?.kind, 'api-disabled');
        assert.equal(caps.version?.major, flavor === 8 ? 8 : undefined, '7.0.3 wants a token for /api/version');
      } finally {
        ctx.sim.setGlobals({ rest_fhir_api: 1 });
      }
    });

    it('registers clients whose enabled state matches the prediction, and reads them back', async () => {
      const globals = { manualApproval: false, version: flavor === 8 ? '8.0.0' : '7.0.3' };
      const confidential = {
        clientName: 'c',
        applicationType: 'private' as const,
        redirectUris: ['http://127.0.0.1:8765/callback'],
        scopes: USER_SCOPES,
      };
      const patientApp = {
        ...confidential,
        applicationType: 'public' as const,
        scopes: ['openid', 'offline_access', 'api:fhir', 'patient/Patient.read'],
      };
      const launchApp = { ...patientApp, scopes: [...patientApp.scopes, 'launch'] };
      const patientOnlyConfidential = { ...confidential, scopes: ['openid', 'api:fhir', 'patient/Patient.read'] };
      const outcomes: boolean[] = [];
      for (const req of [confidential, patientApp, launchApp, patientOnlyConfidential]) {
        const reg = await registerClient(ctx.http, req);
        const actual = ctx.sim.clients().find((c) => c.client_id === reg.clientId)!.enabled;
        assert.equal(predictEnabled(req, globals), actual, `${req.applicationType} ${req.scopes.join(' ')}`);
        outcomes.push(actual);
        assert.equal(reg.applicationType, req.applicationType);
        if (req.applicationType === 'private') assert.ok(reg.clientSecret && reg.clientSecret.length > 10);
        else assert.equal(reg.clientSecret, undefined);
        const back = await readRegistration(ctx.http, reg.registrationClientUri!, reg.registrationAccessToken!);
        assert.equal(back.clientId, reg.clientId);
        assert.ok(!JSON.stringify(back.metadata).includes(reg.registrationAccessToken!));
      }
      assert.deepEqual(outcomes, [false, true, false, true], 'the four rules of facts §2 each met once');
      ctx.sim.setGlobals({ oauth_app_manual_approval: 1 });
      try {
        const reg = await registerClient(ctx.http, patientApp);
        assert.equal(ctx.sim.clients().find((c) => c.client_id === reg.clientId)!.enabled, false);
        assert.equal(predictEnabled(patientApp, { ...globals, manualApproval: true }), false);
      } finally {
        ctx.sim.setGlobals({ oauth_app_manual_approval: 0 });
      }
      await assert.rejects(
        readRegistration(ctx.http, `${ctx.sim.url}/oauth2/default/client/nope`, 'wrong'),
        isKind('client-unknown'),
      );
    });

    it('maps registration and scope refusals', async () => {
      await assert.rejects(
        registerClient(ctx.http, {
          clientName: 'p',
          applicationType: 'public',
          redirectUris: ['http://127.0.0.1:1/cb'],
          scopes: ['user/Patient.read'],
        }),
        isKind('registration-rejected'),
      );
      await assert.rejects(
        registerClient(ctx.http, {
          clientName: 'p',
          applicationType: 'private',
          redirectUris: ['http://127.0.0.1:1/cb'],
          scopes: ['openid', 'launch/encounter'],
        }),
        isKind('invalid-scope'),
      );
    });

    it('password grant for users: tokens, claims, and dropped scopes', async () => {
      const client = await enabledClient(ctx, { scopes: ['openid', 'offline_access', 'api:oemr', 'user/patient.read'] });
      const tokens = await adminPasswordTokens(oauthFor(ctx, client), [
        'openid',
        'offline_access',
        'api:oemr',
        'user/patient.read',
        'user/encounter.read',
      ]);
      assert.ok(tokens.accessToken && tokens.refreshToken && tokens.idToken);
      assert.deepEqual(tokens.droppedScopes, ['user/encounter.read']);
      assert.equal(tokens.grant, 'password');
      assert.ok(tokens.expiresAt > Date.now() + 3000_000);
      assert.ok(tokens.idClaims?.sub);
    });

    it('password grant for patients needs the email; MFA users need a valid code', async () => {
      const client = await enabledClient(ctx);
      const oauth = oauthFor(ctx, client);
      const patient = ctx.sim.logins.patients[0]!;
      const scopes = ['openid', 'api:fhir', 'patient/Patient.read'];
      const pt = await oauth.passwordGrant({
        role: 'patient',
        username: patient.username,
        password: patient.password,
        email: patient.email,
        scopes,
      });
      assert.ok(pt.accessToken);
      await assert.rejects(
        oauth.passwordGrant({ role: 'patient', username: patient.username, password: patient.password, scopes }),
        isKind('invalid-request'),
      );
      await assert.rejects(
        oauth.passwordGrant({
          role: 'patient',
          username: patient.username,
          password: patient.password,
          email: 'wrong@example.org',
          scopes,
        }),
        isKind('bad-credentials'),
      );
      const mfa = await oauth.passwordGrant({
        role: 'users',
        username: 'mfa',
        password: 'pass',
        mfaToken: ctx.sim.currentMfaCode(),
        scopes: ['openid', 'api:oemr'],
      });
      assert.ok(mfa.accessToken);
      await assert.rejects(
        oauth.passwordGrant({ role: 'users', username: 'mfa', password: 'pass', mfaToken: '000000', scopes: ['openid'] }),
        isKind('mfa-failed'),
      );
    });

    it('maps bad credentials, grant switched off, disabled and unknown clients, invalid scopes', async () => {
      const client = await enabledClient(ctx);
      const oauth = oauthFor(ctx, client);
      await assert.rejects(
        oauth.passwordGrant({ role: 'users', username: 'admin', password: 'wrong', scopes: ['openid'] }),
        isKind('bad-credentials'),
      );
      await assert.rejects(
        oauth.passwordGrant({ role: 'users', username: 'admin', password: 'pass', scopes: ['openid', 'launch/encounter'] }),
        isKind('invalid-scope'),
      );
      ctx.sim.setGlobals({ oauth_password_grant: 0 });
      await assert.rejects(adminPasswordTokens(oauth), isKind('password-grant-off'));
      ctx.sim.setGlobals({ oauth_password_grant: 3 });
      ctx.sim.disableClient(client.clientId);
      await assert.rejects(adminPasswordTokens(oauth), isKind('client-disabled'));
      await assert.rejects(
        adminPasswordTokens(oauthFor(ctx, { ...client, clientId: 'no-such-client' })),
        isKind('client-disabled'),
      );
    });

    it('authorization code + PKCE S256 + state + nonce through the loopback listener', async () => {
      const client = await enabledClient(ctx, { redirectUris: ['http://127.0.0.1:18765/callback'] });
      const oauth = oauthFor(ctx, client);
      let opened = '';
      const tokens = await oauth.authorizationCode({
        scopes: USER_SCOPES,
        redirectPort: 18765,
        openBrowser: async (url) => {
          opened = url;
          await driveBrowser(url);
        },
      });
      const url = new URL(opened);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(url.searchParams.get('state') && url.searchParams.get('nonce'));
      assert.equal(url.searchParams.get('aud'), `${ctx.sim.url}/apis/default/fhir`);
      assert.equal(tokens.grant, 'authorization_code');
      assert.ok(tokens.refreshToken);
      assert.equal(tokens.idClaims?.nonce, url.searchParams.get('nonce'));
    });

    it('authorization code: a denial, a forged state and cancellation are errors', async () => {
      const client = await enabledClient(ctx, { redirectUris: ['http://127.0.0.1:18766/callback'] });
      const oauth = oauthFor(ctx, client);
      await assert.rejects(
        oauth.authorizationCode({
          scopes: ['openid'],
          redirectPort: 18766,
          openBrowser: (url) => driveBrowser(url, { deny: true }),
        }),
        isKind('authorization-denied'),
      );
      const request = oauth.buildAuthorizationRequest({ scopes: ['openid'], redirectUri: 'http://127.0.0.1:18766/callback' });
      await assert.rejects(
        oauth.completeAuthorization(request, new URLSearchParams({ code: 'x', state: 'forged' })),
        isKind('authorization-failed'),
      );
      await assert.rejects(
        oauth.completeAuthorization(request, new URLSearchParams({ state: request.state })),
        isKind('authorization-failed'),
      );
      const ac = new AbortController();
      await assert.rejects(
        oauth.authorizationCode({ scopes: ['openid'], redirectPort: 18766, signal: ac.signal, openBrowser: () => ac.abort() }),
        isKind('cancelled'),
      );
      // The listener is gone: the port can be used again.
      await assert.rejects(
        oauth.authorizationCode({ scopes: ['openid'], redirectPort: 18766, timeoutMs: 50, openBrowser: () => undefined }),
        isKind('authorization-failed'),
      );
    });

    it('refresh rotates the refresh token; the old one is dead', async () => {
      const client = await enabledClient(ctx);
      const oauth = oauthFor(ctx, client);
      const first = await adminPasswordTokens(oauth);
      const second = await oauth.refresh(first.refreshToken!, first);
      assert.ok(second.refreshToken && second.refreshToken !== first.refreshToken);
      assert.notEqual(second.accessToken, first.accessToken);
      assert.equal(second.grant, 'password');
      assert.deepEqual(second.requestedScopes, first.requestedScopes);
      await assert.rejects(oauth.refresh(first.refreshToken!, first), isKind('invalid-grant'));
    });

    // The simulator's 7.0.3 flavor refuses every client assertion, so this grant is defined for 8.x only.
    if (flavor === 8)
      it('client_credentials with an RS384 assertion (private_key_jwt)', async () => {
        const keys = await generateClientKeyPair();
        assert.equal(keys.jwks.keys[0]!.d, undefined, 'the JWKS holds no private part');
        const client = await enabledClient(ctx, {
          scopes: ['system/Patient.read', 'system/*.$export'],
          jwks: keys.jwks,
          tokenEndpointAuthMethod: flavor === 8 ? 'private_key_jwt' : undefined,
        });
        const oauth = oauthFor(ctx, client, { clientSecret: undefined, privateJwk: keys.privateJwk });
        const tokens = await oauth.clientCredentials(['system/Patient.read']);
        assert.equal(tokens.grant, 'client_credentials');
        assert.equal(tokens.refreshToken, undefined);
        assert.ok(tokens.expiresAt <= Date.now() + 301_000);
        await assert.rejects(oauthFor(ctx, client).clientCredentials(['system/Patient.read']), isKind('invalid-request'));
      });

    it('introspection and logout: a logged-out token is inactive and rejected', async () => {
      const client = await enabledClient(ctx);
      const oauth = oauthFor(ctx, client);
      const tokens = await adminPasswordTokens(oauth);
      const active = await oauth.introspect(tokens.accessToken);
      assert.equal(active.active, true);
      assert.equal(active.clientId, client.clientId);
      await oauth.logout(tokens.idToken!);
      assert.equal((await oauth.introspect(tokens.accessToken)).active, false);
      await assert.rejects(
        oauth.logout('not-a-token'),
        (e: unknown) => e instanceof OpenEmrError && e.kind === 'invalid-request',
      );
      const stranger = oauthFor(ctx, { ...client, clientId: 'nobody' }).introspect(tokens.accessToken);
      if (flavor === 8) {
        // 8.x answers every introspection error 200 {"active":false}
        assert.equal((await stranger).active, false);
      } else {
        await assert.rejects(
          stranger,
          (e: unknown) => e instanceof OpenEmrError && ['client-unknown', 'client-disabled'].includes(e.kind),
        );
      }
    });

    it('never logs a secret', () => {
      const text = ctx.log.lines.join('\n');
      assert.ok(ctx.log.lines.length > 10);
      assert.ok(!/eyJ[A-Za-z0-9_-]+\.eyJ/.test(text), 'no JWT');
      assert.ok(!/password=pass|client_secret=[^[]/.test(text));
      for (const line of ctx.log.lines) assert.equal(decodeClaims(line.split(' ').find((w) => w.startsWith('eyJ'))), undefined);
    });
  });
}
