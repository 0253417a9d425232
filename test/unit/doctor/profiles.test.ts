import * as assert from 'node:assert/strict';
import { accountLabel, accountName, timeLeft } from '../../../src/auth/account';
import { connectionChanged, createProfile, newProfileId, parseProfiles, toServerConfig } from '../../../src/auth/profileModel';
import { defaultScopes, presetsFor, scopeGroups, scopeProblems } from '../../../src/auth/scopeChoice';
import { discover } from '../../../src/core';
import { startSim } from '../core/sim-helpers';

describe('server profiles (the openemr.servers setting)', () => {
  it('keeps valid entries, normalises URLs and defaults the site', () => {
    const profiles = parseProfiles([
      { baseUrl: 'https://emr.example.org/openemr/', name: 'Clinic' },
      { name: 'no url' },
      'junk',
      { id: 'x', baseUrl: 'ftp://nope' },
    ]);
    assert.equal(profiles.length, 1);
    assert.deepEqual(profiles[0], {
      id: 'server-1',
      name: 'Clinic',
      baseUrl: 'https://emr.example.org/openemr',
      site: 'default',
    });
  });

  it('keeps every field of a profile: apis, TLS options, plain-http opt-in, redirect port and the client (no secret)', () => {
    const full = {
      id: 'clinic',
      name: 'Clinic',
      baseUrl: 'https://emr.example.org',
      site: 'second',
      apis: ['api', 'portal'],
      tls: { caFile: '/etc/ca.pem', allowSelfSigned: true },
      allowInsecureHttp: true,
      redirectPort: 9123,
      clientId: 'c-1',
      applicationType: 'public',
      scopes: ['openid', 'api:port'],
    };
    assert.deepEqual(parseProfiles([full]), [full]);
    const cleaned = parseProfiles([
      { ...full, apis: ['api', 'bogus'], redirectPort: 70000, applicationType: 'other', tls: { allowSelfSigned: 'yes' } },
    ])[0]!;
    assert.deepEqual(cleaned.apis, ['api']);
    assert.equal(cleaned.redirectPort, undefined);
    assert.equal(cleaned.applicationType, undefined);
    assert.equal(cleaned.tls, undefined);
  });

  it('makes duplicate ids unique and drops unknown fields (nothing secret survives a hand edit)', () => {
    const profiles = parseProfiles([
      { id: 'a', baseUrl: 'https://a.test' },
      { id: 'a', baseUrl: 'https://b.test', clientSecret: 's3cret' },
    ]);
    assert.deepEqual(
      profiles.map((p) => p.id),
      ['a', 'a-2'],
    );
    assert.ok(!JSON.stringify(profiles).includes('s3cret'));
  });

  it('creates readable ids that are not taken', () => {
    assert.equal(newProfileId('My Clinic!', ['my-clinic']), 'my-clinic-2');
    const p = createProfile({ baseUrl: 'http://127.0.0.1:8300' }, []);
    assert.equal(p.name, '127.0.0.1:8300');
    assert.equal(p.id, '127-0-0-1-8300');
  });

  it('reads the CA file for the core and notices connection changes', () => {
    const p = createProfile({ baseUrl: 'https://a.test', tls: { caFile: '/ca.pem' } }, []);
    assert.equal(toServerConfig(p, (f) => `PEM of ${f}`).tls?.ca, 'PEM of /ca.pem');
    assert.equal(connectionChanged(p, { ...p, name: 'renamed' }), false);
    assert.equal(connectionChanged(p, { ...p, clientId: 'c1' }), true);
  });

  it('labels accounts without tokens', () => {
    assert.equal(accountName({ subject: 'uuid-1' } as never, { preferred_username: 'admin' }), 'admin');
    assert.equal(accountLabel('admin', 'clinic'), 'admin@clinic');
    assert.equal(timeLeft(10 * 60_000 + 500, 0), '10 min');
    assert.equal(timeLeft(125 * 60_000, 0), '2 h 5 min');
    assert.equal(timeLeft(0, 1), 'expired');
  });
});

describe('scope choice for registration', () => {
  it('groups the picker by API and offers only scopes the server lists, without user/ scopes for public clients', async () => {
    const ctx = await startSim({ flavor: 7 });
    try {
      const caps = await discover(ctx.http);
      const confidential = scopeGroups(caps, 'private');
      assert.deepEqual(
        confidential.map((g) => g.api),
        ['oidc', 'standard', 'fhir', 'portal'],
      );
      const all = confidential.flatMap((g) => g.scopes.map((s) => s.scope));
      assert.ok(
        all.every((s) => caps.scopesSupported.includes(s)),
        'only scopes in scopes_supported',
      );
      assert.ok(!all.some((s) => s.endsWith('.rs')), '7.0.3 offers no SMART v2 scopes');
      assert.ok(
        confidential
          .find((g) => g.api === 'standard')!
          .scopes.every((s) => /^api:oemr$|^(user|patient)\/[a-z_]+\./.test(s.scope)),
        'standard-API scopes are lowercase',
      );
      assert.ok(
        confidential.find((g) => g.api === 'fhir')!.scopes.every((s) => /^api:fhir$|^(user|patient)\/[A-Z]\w*\./.test(s.scope)),
        'FHIR scopes are Capitalized',
      );
      const publicScopes = scopeGroups(caps, 'public').flatMap((g) => g.scopes.map((s) => s.scope));
      assert.ok(publicScopes.length > 0 && publicScopes.every((s) => !/^(user|system)\//.test(s)));
      assert.deepEqual(
        presetsFor('public').map((p) => p.label),
        ['Patient app (public client)'],
      );
      assert.ok(presetsFor('private').some((p) => p.label === 'Read only'));
    } finally {
      await ctx.close();
    }
  });

  it('defaults to scopes the simulator offers and refuses user/ scopes for public clients', async () => {
    const ctx = await startSim();
    try {
      const caps = await discover(ctx.http);
      const confidential = defaultScopes(caps, 'private');
      assert.ok(confidential.includes('user/patient.read'));
      assert.deepEqual(scopeProblems(confidential, 'private', caps.scopesSupported), []);
      assert.ok(defaultScopes(caps, 'public').every((s) => !s.startsWith('user/')));
      assert.match(scopeProblems(['user/patient.read'], 'public', caps.scopesSupported).join(), /public client/);
      assert.match(
        scopeProblems(['launch/encounter'], 'private', caps.scopesSupported).join(),
        /does not offer launch\/encounter/,
      );
      assert.deepEqual(scopeProblems([], 'private', caps.scopesSupported), ['choose at least one scope']);
    } finally {
      await ctx.close();
    }
  });
});
