import assert from 'node:assert/strict';
import {
  parseRegistration,
  predictEnabled,
  registrationBody,
  validateRegistration,
  type RegistrationRequest,
} from '../../../src/core';

const base: RegistrationRequest = {
  clientName: 'x',
  applicationType: 'private',
  redirectUris: ['http://127.0.0.1:8765/callback'],
  scopes: ['openid'],
};

describe('core/oauth/registration (pure)', () => {
  it('predicts enabled/disabled with the 7.0.2+ rules', () => {
    const off = { manualApproval: false, version: '8.0.0' };
    assert.equal(predictEnabled({ applicationType: 'public', scopes: ['openid', 'launch', 'patient/Patient.read'] }, off), false);
    assert.equal(predictEnabled({ applicationType: 'public', scopes: ['openid', 'patient/Patient.read'] }, off), true);
    assert.equal(predictEnabled({ applicationType: 'private', scopes: ['openid', 'patient/Patient.read'] }, off), true);
    assert.equal(predictEnabled({ applicationType: 'private', scopes: ['openid', 'user/Patient.read'] }, off), false);
    assert.equal(predictEnabled({ applicationType: 'private', scopes: ['system/Patient.read'] }, off), false);
    assert.equal(predictEnabled({ applicationType: 'public', scopes: ['openid'] }, { manualApproval: true }), false);
  });

  it('uses the old rules before 7.0.2 and says unknown when a global is unknown', () => {
    assert.equal(
      predictEnabled(
        { applicationType: 'private', scopes: ['patient/Patient.read'] },
        { manualApproval: false, version: '7.0.0' },
      ),
      false,
    );
    assert.equal(
      predictEnabled(
        { applicationType: 'private', scopes: ['patient/Patient.read'] },
        { manualApproval: false, version: { major: 7, minor: 0, patch: 2 } },
      ),
      true,
    );
    assert.equal(
      predictEnabled({ applicationType: 'private', scopes: ['patient/Patient.read'] }, { manualApproval: false }),
      'unknown',
    );
    assert.equal(predictEnabled({ applicationType: 'public', scopes: ['openid'] }, {}), 'unknown');
    assert.equal(predictEnabled({ applicationType: 'private', scopes: ['user/Patient.read'] }, {}), false);
  });

  it('validates before sending', () => {
    assert.deepEqual(validateRegistration(base), []);
    assert.equal(validateRegistration({ ...base, redirectUris: [] }).length, 1);
    assert.match(validateRegistration({ ...base, applicationType: 'public', scopes: ['user/Patient.read'] })[0]!, /confidential/);
    assert.match(validateRegistration({ ...base, scopes: ['system/Patient.read'] })[0]!, /jwks/);
    assert.deepEqual(validateRegistration({ ...base, scopes: ['system/Patient.read'], jwks: { keys: [] } }), []);
  });

  it('builds the body and parses the answer without keeping secrets in metadata', () => {
    const body = registrationBody({ ...base, scopes: ['openid', 'openid', 'api:oemr'] });
    assert.equal(body.scope, 'openid api:oemr');
    assert.equal(body.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(registrationBody({ ...base, applicationType: 'public' }).token_endpoint_auth_method, undefined);
    assert.equal(registrationBody({ ...base, tokenEndpointAuthMethod: 'none' }).token_endpoint_auth_method, undefined);
    const parsed = parseRegistration({
      client_id: 'c1',
      client_secret: '',
      registration_access_token: 'rat',
      client_role: 'patient',
      scope: 'openid',
    });
    assert.equal(parsed.clientSecret, undefined);
    assert.equal(parsed.applicationType, 'public');
    assert.equal(parsed.registrationAccessToken, 'rat');
    assert.ok(!('registration_access_token' in parsed.metadata));
    assert.throws(() => parseRegistration({}), /client_id/);
  });
});
