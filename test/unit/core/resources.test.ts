import assert from 'node:assert/strict';
import {
  fillPath,
  findRoute,
  matchRoute,
  PATIENT_GROUPS,
  parseScope,
  permissionLetter,
  ROUTES,
  SCOPE_CATALOG,
  scopeCovers,
  TOP_LEVEL_COLLECTIONS,
} from '../../../src/core';

describe('core/catalog/resources', () => {
  it('lists each route once, with a known scope form', () => {
    const ids = ROUTES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ROUTES.filter((r) => r.api === 'standard').length >= 90);
    for (const r of ROUTES) {
      if (r.public) assert.equal(r.scope, undefined, r.id);
      else if (r.scope) assert.notEqual(parseScope(r.scope).kind, 'unknown', r.id);
    }
  });

  it('derives the required scope from the method as 8.x checks it', () => {
    assert.equal(findRoute('GET /api/patient')?.scope, 'user/patient.s');
    assert.equal(findRoute('GET /api/patient')?.scopeV1, 'user/patient.read');
    assert.equal(findRoute('GET /api/patient/:puuid')?.scope, 'user/patient.r');
    assert.equal(findRoute('POST /api/patient')?.scope, 'user/patient.c');
    assert.equal(findRoute('PUT /api/patient/:puuid')?.scopeV1, 'user/patient.write');
    assert.equal(findRoute('DELETE /api/patient/:puuid/allergy/:auuid')?.scope, 'user/allergy.d');
    assert.equal(findRoute('GET /fhir/Patient')?.scope, 'user/Patient.s');
    // OpenEMR's portal route checks patient/patient.s (apis/routes/_rest_routes_portal.inc.php, 8.x)
    assert.equal(findRoute('GET /portal/patient')?.scope, 'patient/patient.s');
    assert.equal(findRoute('GET /fhir/metadata')?.public, true);
    assert.equal(findRoute('GET /fhir/$export')?.scope, 'system/*.$export');
    assert.equal(permissionLetter('PATCH', false), 'u');
  });

  it('names parameter kinds: uuid vs numeric id', () => {
    const vital = findRoute('GET /api/patient/:pid/encounter/:eid/vital/:vid')!;
    assert.deepEqual(
      vital.params.map((p) => p.kind),
      ['id', 'id', 'id'],
    );
    const enc = findRoute('GET /api/patient/:puuid/encounter/:euuid')!;
    assert.deepEqual(
      enc.params.map((p) => p.kind),
      ['uuid', 'uuid'],
    );
    assert.equal(findRoute('GET /api/list/:list_name')!.params[0]!.kind, 'name');
    assert.equal(findRoute('GET /fhir/Patient/:id')!.params[0]!.kind, 'fhir-id');
  });

  it('matches concrete paths, literal segments first', () => {
    assert.equal(matchRoute('GET', '/api/patient')?.id, 'GET /api/patient');
    assert.equal(matchRoute('GET', '/api/patient/abc-123?x=1')?.id, 'GET /api/patient/:puuid');
    assert.equal(
      matchRoute('GET', '/api/patient/abc/insurance/$swap-insurance')?.id,
      'GET /api/patient/:puuid/insurance/$swap-insurance',
    );
    assert.equal(matchRoute('GET', '/apis/default/fhir/Observation')?.id, 'GET /fhir/Observation');
    assert.equal(matchRoute('GET', '/api/nothing'), undefined);
    assert.equal(matchRoute('PATCH', '/api/patient'), undefined);
  });

  it('fills templates safely and refuses missing values', () => {
    assert.equal(fillPath('/api/patient/:pid/encounter/:eid', { pid: 3, eid: '7' }), '/api/patient/3/encounter/7');
    assert.equal(fillPath('/api/list/:list_name', { list_name: 'a/b?c' }), '/api/list/a%2Fb%3Fc');
    assert.throws(() => fillPath('/api/patient/:puuid', {}), /puuid/);
  });

  it('gives the explorer patient groups and top-level collections backed by list routes', () => {
    assert.ok(PATIENT_GROUPS.length >= 25);
    for (const g of PATIENT_GROUPS) {
      assert.equal(g.route.method, 'GET');
      assert.ok(g.route.collection, g.id);
      assert.ok(g.label);
      if (g.api === 'standard') assert.ok(g.route.path.includes(`:${g.patientKey}`), g.id);
    }
    for (const c of TOP_LEVEL_COLLECTIONS) assert.ok(c.route.collection && !c.route.params.length, c.id);
    assert.ok(TOP_LEVEL_COLLECTIONS.some((c) => c.id === 'api:patient' && c.label === 'Patients'));
  });

  it('every required scope of a read route is offered by the catalog in v1 form', () => {
    const offered = SCOPE_CATALOG.map((e) => e.scope);
    const missing = ROUTES.filter(
      (r) => r.scopeV1 && r.method === 'GET' && r.api !== 'portal' && !r.since && !scopeCovers(offered, r.scopeV1),
    ).map((r) => r.id);
    assert.deepEqual(missing, []);
  });
});
