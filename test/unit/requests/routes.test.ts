import assert from 'node:assert/strict';
import { fillPath, OpenEmrClient, ROUTES, staticTokenSource } from '../../../src/core';
import { bodyTemplate, describeChoice, queryParamsOf, routeChoices } from '../../../src/core/requests/routes';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';

describe('request runner: routes for the quick pick', () => {
  it('lists the routes of the server APIs with what the token allows and the missing scope', () => {
    const choices = routeChoices(['api'], ['openid', 'api:oemr', 'user/patient.read']);
    assert.ok(choices.every((c) => c.route.api === 'standard'));
    const read = choices.find((c) => c.route.id === 'GET /api/patient/:puuid')!;
    const create = choices.find((c) => c.route.id === 'POST /api/patient')!;
    assert.equal(read.allowed, true);
    assert.match(describeChoice(read), /Patients: read · user\/patient\.r ✓/);
    assert.equal(create.allowed, false);
    assert.match(describeChoice(create), /missing scope user\/patient\.c/);
    assert.equal(routeChoices(undefined, undefined).length, ROUTES.length, 'all APIs when the profile names none');
    assert.match(describeChoice(routeChoices(['fhir'], [])[0]!), /no scope needed/);
  });

  it('offers the known query parameters, required ones first', () => {
    assert.deepEqual(queryParamsOf(ROUTES.find((r) => r.id === 'GET /api/patient/:pid/document')!).slice(0, 1), ['path']);
    assert.ok(queryParamsOf(ROUTES.find((r) => r.id === 'GET /fhir/Observation')!).includes('category'));
    assert.deepEqual(queryParamsOf(ROUTES.find((r) => r.id === 'POST /api/patient')!), []);
  });
});

describe('request runner: body templates are accepted by the simulator', function () {
  this.timeout(30_000);
  let ctx: SimContext;
  let client: OpenEmrClient;
  const writable = [
    'patient',
    'encounter',
    'vital',
    'soap_note',
    'medical_problem',
    'allergy',
    'medication',
    'surgery',
    'dental_issue',
    'appointment',
    'insurance',
    'message',
    'transaction',
    'facility',
    'practitioner',
  ];

  before(async () => {
    ctx = await startSim();
    // message has a write scope only.
    const scopes = [
      'openid',
      'api:oemr',
      'api:fhir',
      ...writable.flatMap((r) => (r === 'message' ? [] : [`user/${r}.read`])),
      ...writable.map((r) => `user/${r}.write`),
    ];
    const tokens = await adminPasswordTokens(oauthFor(ctx, await enabledClient(ctx, { scopes })), scopes);
    client = new OpenEmrClient({ http: ctx.http, tokens: staticTokenSource(tokens.accessToken, tokens.grantedScopes) });
  });
  after(() => ctx.close());

  it('every standard-API create route with a template answers 2xx', async () => {
    const patient = (
      client.unwrap(await client.request('GET', '/api/patient', undefined, { query: { _limit: 1 } })) as Array<{
        uuid: string;
        pid: number;
      }>
    )[0]!;
    const encounters = client.unwrap(await client.request('GET', `/api/patient/${patient.uuid}/encounter`)) as Array<
      Record<string, unknown>
    >;
    const eid = String(encounters[0]?.eid ?? encounters[0]?.encounter ?? encounters[0]?.id);
    const values = { puuid: patient.uuid, pid: patient.pid, eid };
    const creates = ROUTES.filter((r) => r.method === 'POST' && r.api === 'standard' && writable.includes(r.resource));
    assert.ok(creates.length >= 12);
    for (const route of creates) {
      const res = await client.request('POST', fillPath(route.path, values), bodyTemplate(route));
      assert.ok(res.status < 300, `${route.id} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
  });
});
