import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UnsecuredJWT } from 'jose';
import {
  createPkce,
  decodeClaims,
  droppedScopesError,
  isExpired,
  OpenEmrError,
  parseTokenSet,
  pkceChallenge,
  serializeTokenSet,
  summarizeTokens,
  tokenSetFromResponse,
} from '../../../src/core';

const jwt = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();

describe('core/oauth tokens, JWT decoding and PKCE', () => {
  it('builds a TokenSet with granted, requested and dropped scopes', () => {
    const access = jwt({ sub: 'u1', scopes: ['openid', 'api:oemr', 'user/patient.read'], exp: 2000 });
    const t = tokenSetFromResponse(
      {
        access_token: access,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'r1',
        id_token: jwt({ sub: 'u1', fhirUser: 'Practitioner/1' }),
        scope: 'openid user/patient.read',
        patient: 'p-1',
      },
      ['openid', 'api:oemr', 'user/patient.read', 'user/encounter.read', 'site:default'],
      'password',
      1_000,
    );
    assert.equal(t.expiresAt, 1_000 + 3_600_000);
    assert.deepEqual(t.droppedScopes, ['user/encounter.read']);
    const dropped = droppedScopesError(t);
    assert.equal(dropped?.kind, 'scope-dropped');
    assert.deepEqual(dropped?.scopes, ['user/encounter.read']);
    assert.match(dropped!.fix, /user\/encounter\.read/);
    assert.equal(droppedScopesError({ droppedScopes: [] }), undefined);
    assert.ok(t.grantedScopes.includes('api:oemr'), 'scopes from the access token claims count');
    assert.equal(t.context.patient, 'p-1');
    const summary = summarizeTokens(t);
    assert.equal(summary.fhirUser, 'Practitioner/1');
    assert.equal(summary.hasRefreshToken, true);
    assert.ok(!JSON.stringify(summary).includes(access) && !JSON.stringify(summary).includes('r1"'));
  });

  it('treats a missing scope as "granted as requested" and rejects bodies without an access token', () => {
    const t = tokenSetFromResponse({ access_token: 'opaque', expires_in: 60 }, ['a', 'b'], 'client_credentials', 0);
    assert.deepEqual(t.droppedScopes, []);
    assert.equal(t.accessClaims, undefined);
    assert.throws(
      () => tokenSetFromResponse({ error: 'x' }, [], 'password'),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'unexpected',
    );
  });

  it('round-trips through the SecretStore form and rejects corrupt data', () => {
    const t = tokenSetFromResponse(
      { access_token: jwt({ sub: 's' }), expires_in: 10, refresh_token: 'rt' },
      ['openid'],
      'authorization_code',
      5,
    );
    const back = parseTokenSet(serializeTokenSet(t));
    assert.equal(serializeTokenSet(back!), serializeTokenSet(t));
    assert.deepEqual(back!.accessClaims, t.accessClaims);
    for (const bad of [undefined, '', 'nope', '{}', '{"v":2}', '[1]', '{"v":1,"accessToken":1}'])
      assert.equal(parseTokenSet(bad), undefined);
  });

  it('expires with skew', () => {
    assert.equal(isExpired({ expiresAt: 1000 }, 0, 999), false);
    assert.equal(isExpired({ expiresAt: 1000 }, 2, 999), true);
  });

  it('PKCE S256 matches the RFC 7636 example', () => {
    assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const p = createPkce();
    assert.match(p.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(p.challenge, pkceChallenge(p.verifier));
    assert.notEqual(createPkce().verifier, p.verifier);
  });

  it('property: JWT decoding never throws on hostile input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.base64String(), fc.base64String(), fc.string()).map((p) => p.join('.')),
          fc.jsonValue().map((v) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(v) ?? '').toString('base64url')}.`),
        ),
        (token) => {
          const claims = decodeClaims(token);
          assert.ok(claims === undefined || typeof claims === 'object');
        },
      ),
    );
  });

  it('property: decoded claims equal what was encoded', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !['__proto__'].includes(k)),
          fc.jsonValue(),
        ),
        (claims) => {
          assert.deepEqual(decodeClaims(jwt(claims)), JSON.parse(JSON.stringify(claims)));
        },
      ),
    );
  });

  it('property: token responses of any shape give a TokenSet or an OpenEmrError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.string()), (body, requested) => {
        try {
          const t = tokenSetFromResponse(body, requested, 'password');
          assert.ok(Number.isFinite(t.expiresAt));
          assert.ok(t.droppedScopes.every((s) => requested.includes(s)));
        } catch (e) {
          assert.ok(e instanceof OpenEmrError);
        }
      }),
    );
  });
});
