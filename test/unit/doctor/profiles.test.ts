import * as assert from 'node:assert/strict';
import { accountLabel, accountName, timeLeft } from '../../../src/auth/account';
import { connectionChanged, createProfile, newProfileId, parseProfiles, toServerConfig } from '../../../src/auth/profileModel';
import { defaultScopes, scopeProblems } from '../../../src/auth/scopeChoice';
import { discover } from '../../../src/core';
import { startSim } from '../core/sim-helpers';

describe('server profiles (the openemr.servers setting)', () => {
  it('keeps valid entries, normalises URLs and defaults the site', () => {
    const profiles = parseProfiles([{ baseUrl: 'https://emr.example.org/openemr/', name: 'Clinic' }, { name: 'no url' }, 'junk', { id: 'x', baseUrl: 'ftp://nope' }]);
    assert.equal(profiles.length, 1);
    assert.deepEqual(profiles[0], { id: 'server-1', name: 'Clinic', baseUrl: 'https://emr.example.org/openemr', site: 'default' });
  });

  it('makes duplicate ids unique and drops unknown fields (nothing secret survives a hand edit)', () => {
    const profiles = parseProfiles([{ id: 'a', baseUrl: 'https://a.test' }, { id: 'a', baseUrl: 'https://b.test', clientSecret: 's3cret' }]);
    assert.deepEqual(profiles.map((p) => p.id), ['a', 'a-2']);
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
  it('defaults to scopes the simulator offers and refuses user/ scopes for public clients', async () => {
    const ctx = await startSim();
    try {
      const caps = await discover(ctx.http);
      const confidential = defaultScopes(caps, 'private');
      assert.ok(confidential.includes('user/patient.read'));
      assert.deepEqual(scopeProblems(confidential, 'private', caps.scopesSupported), []);
      assert.ok(defaultScopes(caps, 'public').every((s) => !s.startsWith('user/')));
      assert.match(scopeProblems(['user/patient.read'], 'public', caps.scopesSupported).join(), /public client/);
      assert.match(scopeProblems(['launch/encounter'], 'private', caps.scopesSupported).join(), /does not offer launch\/encounter/);
    } finally {
      await ctx.close();
    }
  });
});
