/**
 * The client meets OpenEMR's real answers (the simulator answers as OpenEMR's own API tests expect): a bad
 * id is a 400 validation error, sign-out answers text or 401 JSON, refresh needs no secret, a POST answers
 * only `{id, uuid}` (standard API) or the insert result (FHIR).
 */
import assert from 'node:assert/strict';
import {
  classifyKind,
  MemorySecretStore,
  OpenEmrClient,
  OpenEmrError,
  readErrorBody,
  registerClient,
  TokenSession,
  type OAuthClient,
} from '../../../src/core';
import { itemPath, SERVER_COLLECTIONS, SERVER_FHIR_COLLECTIONS } from '../../../src/explorer/catalog';
import { rowLabel } from '../../../src/explorer/labels';
import { envelopeErrors, summarizeResource } from '../../../src/webview/viewer/fhir';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, USER_SCOPES, type SimContext } from './sim-helpers';

const answer = (status: number, json: unknown) => {
  const text = JSON.stringify(json);
  return classifyKind(status, readErrorBody({ text, json, isJson: true }), { endpoint: 'api' });
};

describe('real answers: classification', () => {
  it('a 400 with one "invalid or nonexisting value" (or FHIR _id) error means no such record', () => {
    const unknownId = {
      validationErrors: { uuid: { 'invalid or nonexisting value': ' value x' } },
      internalErrors: [],
      data: [],
    };
    assert.equal(answer(400, unknownId), 'resource-not-found');
    assert.equal(
      answer(400, { validationErrors: { _id: 'The search field argument was invalid: x' }, data: [] }),
      'resource-not-found',
    );
    assert.equal(answer(400, { validationErrors: { fname: 'fname must be provided' }, data: [] }), 'validation');
    assert.equal(answer(400, { validationErrors: { uuid: 'x', fname: 'y' }, data: [] }), 'validation');
  });
});

for (const flavor of [7, 8] as const) {
  describe(`real answers against the simulator (flavor ${flavor})`, () => {
    let ctx: SimContext;
    let oauth: OAuthClient;
    let api: OpenEmrClient;
    const scopes = [
      ...USER_SCOPES,
      'user/facility.read',
      'user/facility.write',
      'user/Organization.read',
      'user/Organization.write',
    ];

    before(async () => {
      ctx = await startSim({ flavor });
      const client = await enabledClient(ctx, { scopes });
      oauth = oauthFor(ctx, client);
      const session = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'real-answers' });
      await session.signedIn(await adminPasswordTokens(oauth, scopes));
      api = new OpenEmrClient({ http: ctx.http, tokens: session });
    });
    after(() => ctx.close());

    it('an unknown or malformed id reads as "no such record", in the standard API and in FHIR', async () => {
      for (const read of [
        api.getPatient('00000000-0000-4000-8000-00000000ffff'),
        api.getPatient('not-a-uuid'),
        api.fhirRead('Patient', 'not-a-uuid'),
        api.fhirRead('Patient', '00000000-0000-4000-8000-00000000ffff'),
      ]) {
        await assert.rejects(read, (e: unknown) => e instanceof OpenEmrError && e.kind === 'resource-not-found');
      }
      const facility = await api.request('GET', '/api/facility/not-a-uuid');
      assert.equal(facility.error?.kind, 'resource-not-found');
    });

    it('a POST answer holding only {id, uuid} opens, labels and renders', async () => {
      const created = await api.request<Record<string, unknown>>('POST', '/api/facility', {
        name: 'Answer Clinic',
        facility_npi: '1234567893',
      });
      assert.equal(created.error, undefined);
      const row = created.data!;
      assert.deepEqual(Object.keys(row).sort(), ['id', 'uuid']);
      const group = SERVER_COLLECTIONS.find((g) => g.resource === 'facility')!;
      const path = itemPath(group, row, {});
      assert.equal(path, `/api/facility/${String(row.uuid)}`);
      const read = await api.request<Record<string, unknown>>('GET', path!);
      assert.equal(read.data?.name, 'Answer Clinic');
      assert.match(rowLabel('facility', row).label, new RegExp(String(row.uuid)));

      const fhirCreated = await api.request<Record<string, unknown>>('POST', '/fhir/Organization', {
        resourceType: 'Organization',
        name: 'Answer Org',
      });
      assert.equal(fhirCreated.error, undefined);
      const inserted = fhirCreated.data!;
      assert.equal(inserted.resourceType, undefined);
      const orgs = SERVER_FHIR_COLLECTIONS.find((g) => g.resource === 'Organization')!;
      const orgPath = itemPath(orgs, inserted, {});
      assert.equal(orgPath, `/fhir/Organization/${String(inserted.uuid)}`);
      assert.equal((await api.request<Record<string, unknown>>('GET', orgPath!)).data?.name, 'Answer Org');
      assert.equal(rowLabel('fhir', inserted).label, `Resource/${String(inserted.uuid)}`);
      assert.equal(summarizeResource(inserted), undefined);
      assert.deepEqual(envelopeErrors(created.body), { validation: [], internal: [] });
    });

    it('sign-out accepts the text answer, and a second sign-out (text in 7.0.3, 401 JSON in 8.x)', async () => {
      const tokens = await adminPasswordTokens(oauth, scopes);
      const session = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'sign-out' });
      await session.signedIn(tokens);
      const first = await session.signOut();
      assert.deepEqual(first, { serverLogout: true, error: undefined });
      await oauth.logout(tokens.idToken!);
      const again = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'sign-out-again' });
      await again.signedIn(tokens);
      assert.deepEqual(await again.signOut(), { serverLogout: true, error: undefined });
    });

    it('a confidential client refreshes with no secret to send, and so does a public client', async () => {
      const confidential = await enabledClient(ctx, { scopes });
      const tokens = await adminPasswordTokens(oauthFor(ctx, confidential), scopes);
      const noSecret = oauthFor(ctx, { ...confidential, clientSecret: undefined });
      const refreshed = await noSecret.refresh(tokens.refreshToken!, tokens);
      assert.ok(refreshed.accessToken && refreshed.accessToken !== tokens.accessToken);

      const patientScopes = ['openid', 'offline_access', 'api:fhir', 'patient/Patient.read'];
      const pub = await registerClient(ctx.http, {
        clientName: 'public app',
        applicationType: 'public',
        redirectUris: ['http://127.0.0.1:8765/callback'],
        scopes: patientScopes,
      });
      assert.equal(pub.clientSecret, undefined);
      const login = ctx.sim.logins.patients[0]!;
      const publicOauth = oauthFor(ctx, pub);
      const patientTokens = await publicOauth.passwordGrant({
        role: 'patient',
        username: login.username,
        password: login.password,
        email: login.email,
        scopes: patientScopes,
      });
      const again = await publicOauth.refresh(patientTokens.refreshToken!, patientTokens);
      assert.ok(again.accessToken);
    });
  });
}
