/** Facts §4-§6 on the standard API and the portal: envelope, paging, identifiers, writes, scopes per route. */
import assert from 'node:assert/strict';
import type { RunningSimulator } from './index.js';
import {
  adminToken,
  apis,
  body,
  call,
  confidential,
  FLAVORS,
  list,
  passwordToken,
  postJson,
  register,
  start,
  systemToken,
  type Json,
} from './test-helpers.js';

for (const flavor of FLAVORS) {
  describe(`standard API (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    let token: string;
    let first: Json;
    const get = (path: string, t = token) => call(apis(sim, path), { token: t });
    before(async () => {
      sim = await start(flavor, { patients: 60 });
      token = await adminToken(sim);
      first = list(body(await get('/api/patient?_limit=1')).data)[0];
    });
    after(() => sim.close());

    it('lists patients in the envelope; the default limit is unlimited', async () => {
      const r = await get('/api/patient');
      assert.equal(r.status, 200);
      const b = body(r);
      assert.deepEqual(b.validationErrors, []);
      assert.deepEqual(b.internalErrors, []);
      assert.equal(list(b.data).length, 60);
      assert.ok(String(b.links.first).includes('_offset=0'));
    });

    it('pages with _limit and _offset; links use _count (the quirk) and the max is 200', async () => {
      const b = body(await get('/api/patient?_limit=10&_offset=20'));
      assert.deepEqual(
        list(b.data).map((p) => p.pid),
        Array.from({ length: 10 }, (_, i) => 21 + i),
      );
      assert.match(String(b.links.next), /_offset=30&_count=10$/);
      assert.match(String(b.links.previous), /_offset=10&_count=10$/);
      const next = new URL(String(b.links.next));
      assert.equal(next.searchParams.get('_limit'), null, 'the link carries _count, not _limit');
      const followedNaively = body(await get(`${next.pathname.replace('/apis/default', '')}${next.search}`));
      assert.equal(list(followedNaively.data).length, 30, 'following next as-is ignores _count: the rest of the list');
      const big = body(await get('/api/patient?_limit=500'));
      assert.equal(list(big.data).length, 60);
      assert.match(String(big.links.first), /_count=200/);
      assert.equal(list(body(await get('/api/patient?_maxresults=5')).data).length, 5);
    });

    it('sorts with _sort=field,-field and searches by fields', async () => {
      const sorted = list(body(await get('/api/patient?_sort=lname,-fname')).data);
      for (let i = 1; i < sorted.length; i++) assert.ok(String(sorted[i - 1].lname) <= String(sorted[i].lname));
      const byName = list(body(await get(`/api/patient?lname=${String(first.lname)}`)).data);
      assert.ok(byName.length >= 1 && byName.every((p) => p.lname === first.lname));
      const byDob = list(body(await get(`/api/patient?DOB=${String(first.DOB)}`)).data);
      assert.ok(byDob.some((p) => p.uuid === first.uuid));
    });

    it('mixes identifiers: uuid routes and pid routes reach the same patient', async () => {
      const one = body(await get(`/api/patient/${String(first.uuid)}`));
      assert.equal(one.data.pid, first.pid);
      assert.ok(!Array.isArray(one.data), 'a single item is an object');
      const encounters = list(body(await get(`/api/patient/${String(first.uuid)}/encounter`)).data);
      assert.ok(encounters.length >= 2);
      const enc = encounters[0];
      const byUuid = body(await get(`/api/patient/${String(first.uuid)}/encounter/${String(enc.uuid)}`));
      assert.equal(byUuid.data.id, enc.id);
      const vitals = list(body(await get(`/api/patient/${String(first.pid)}/encounter/${String(enc.eid)}/vital`)).data);
      assert.equal(vitals.length, 1);
      assert.equal(vitals[0].weight_unit, 'lb');
      const vital = body(
        await get(`/api/patient/${String(first.pid)}/encounter/${String(enc.eid)}/vital/${String(vitals[0].id)}`),
      );
      assert.equal(vital.data.uuid, vitals[0].uuid);
    });

    it('an unknown patient answers 400 validationErrors, a missing child item 404 null; an unknown parent 400', async () => {
      // PatientService.php:585-592: isExistingUuid fails validation
      const missing = await get('/api/patient/00000000-0000-4000-8000-00000000ffff');
      assert.equal(missing.status, 400);
      assert.deepEqual(Object.keys(body(missing).validationErrors), ['uuid']);
      const first = list(body(await get('/api/patient?_limit=1')).data)[0];
      const missingChild = await get(`/api/patient/${String(first.uuid)}/allergy/00000000-0000-4000-8000-00000000ffff`);
      assert.equal(missingChild.status, 404);
      assert.equal(missingChild.text, 'null');
      const badParent = await get('/api/patient/not-a-uuid/encounter');
      assert.equal(badParent.status, 400);
      assert.ok(body(badParent).validationErrors.puuid);
    });

    it('creates, updates and deletes with validation errors in the envelope', async () => {
      const invalid = await postJson(apis(sim, '/api/patient'), { fname: 'Only' }, token);
      assert.equal(invalid.status, 400);
      assert.ok(body(invalid).validationErrors.lname && body(invalid).validationErrors.DOB);
      const created = await postJson(
        apis(sim, '/api/patient'),
        { fname: 'Ada', lname: 'Lovelace', DOB: '1815-12-10', sex: 'Female' },
        token,
      );
      assert.equal(created.status, 201);
      const { pid, uuid } = body(created).data;
      assert.equal(pid, 61);
      const updated = await postJson(apis(sim, `/api/patient/${String(uuid)}`), { city: 'London' }, token, 'PUT');
      assert.equal(body(updated).data.city, 'London');
      const fhir = body(await call(apis(sim, `/fhir/Patient/${String(uuid)}`), { token }));
      assert.equal(fhir.name[0].family, 'Lovelace', 'one data set: the FHIR API sees the new patient');
      const problem = await postJson(
        apis(sim, `/api/patient/${String(uuid)}/medical_problem`),
        { title: 'Gout', begdate: '2024-01-01', diagnosis: 'ICD10:M10.9' },
        token,
      );
      assert.equal(problem.status, 201);
      const muuid = String(body(problem).data.uuid);
      assert.equal(body(await get(`/api/medical_problem/${muuid}`)).data.title, 'Gout');
      const del = await call(apis(sim, `/api/patient/${String(uuid)}/medical_problem/${muuid}`), { method: 'DELETE', token });
      assert.equal(del.status, 200);
      assert.equal((await get(`/api/patient/${String(uuid)}/medical_problem/${muuid}`)).status, 404);
      const med = await postJson(
        apis(sim, `/api/patient/${String(pid)}/medication`),
        { title: 'Aspirin 81 MG', begdate: '2024-02-01' },
        token,
      );
      assert.equal(med.status, 200);
      assert.equal(typeof body(med).data.id, 'number');
    });

    it('uploads and downloads a document (multipart)', async () => {
      const fd = new FormData();
      fd.append('document', new Blob(['hello document'], { type: 'text/plain' }), 'hello.txt');
      const up = await call(apis(sim, `/api/patient/${String(first.pid)}/document?path=Lab%20Report`), {
        method: 'POST',
        body: fd,
        token,
      });
      assert.equal(up.status, 200);
      const docs = body(await get(`/api/patient/${String(first.pid)}/document?path=Lab%20Report`));
      const doc = list(docs).find((d) => String(d.filename) === 'hello.txt');
      assert.ok(doc);
      const down = await get(`/api/patient/${String(first.pid)}/document/${String(doc.id)}`);
      assert.equal(down.text, 'hello document');
      assert.equal(down.headers.get('content-type'), 'text/plain');
    });

    it('serves the shared tables and fixed lists', async () => {
      for (const path of [
        '/api/practitioner',
        '/api/facility',
        '/api/insurance_company',
        '/api/insurance_type',
        '/api/user',
        '/api/drug',
        '/api/list/sex',
        '/api/immunization?_limit=5',
        '/api/prescription?_limit=5',
        '/api/procedure?_limit=5',
        '/api/appointment?_limit=5',
        '/api/allergy?_limit=5',
      ]) {
        const r = await get(path);
        assert.equal(r.status, 200, path);
        assert.ok(list(body(r).data).length > 0, path);
      }
      const version = body(await get('/api/version'));
      assert.equal(version.data.v_major, String(flavor));
    });

    it(`/api/version and /api/product ${flavor === 8 ? 'need no token in 8.x' : 'need a token in 7.0.3'}`, async () => {
      const r = await call(apis(sim, '/api/version'));
      assert.equal(r.status, flavor === 8 ? 200 : 401);
    });

    describe('scope enforcement per route', () => {
      // [method, path builder, scope that allows it]
      const routes: Array<[string, (p: Json) => string, string]> = [
        ['GET', () => '/api/patient', 'user/patient.read'],
        ['GET', (p) => `/api/patient/${String(p.uuid)}`, 'user/patient.read'],
        ['GET', (p) => `/api/patient/${String(p.uuid)}/encounter`, 'user/encounter.read'],
        ['GET', (p) => `/api/patient/${String(p.uuid)}/medical_problem`, 'user/medical_problem.read'],
        ['GET', (p) => `/api/patient/${String(p.uuid)}/allergy`, 'user/allergy.read'],
        ['GET', (p) => `/api/patient/${String(p.pid)}/medication`, 'user/medication.read'],
        ['GET', (p) => `/api/patient/${String(p.pid)}/surgery`, 'user/surgery.read'],
        ['GET', (p) => `/api/patient/${String(p.pid)}/dental_issue`, 'user/dental_issue.read'],
        ['GET', (p) => `/api/patient/${String(p.pid)}/appointment`, 'user/appointment.read'],
        ['GET', (p) => `/api/patient/${String(p.uuid)}/insurance`, 'user/insurance.read'],
        ['GET', (p) => `/api/patient/${String(p.pid)}/transaction`, 'user/transaction.read'],
        ['GET', () => '/api/practitioner', 'user/practitioner.read'],
        ['GET', () => '/api/facility', 'user/facility.read'],
        ['GET', () => '/api/user', 'user/user.read'],
        ['GET', () => '/api/list/sex', 'user/list.read'],
        ['GET', () => '/api/drug', 'user/drug.read'],
        ['GET', () => '/api/immunization', 'user/immunization.read'],
        ['POST', () => '/api/patient', 'user/patient.write'],
      ];
      for (const [method, path, scope] of routes) {
        it(`${method} ${path({ uuid: ':puuid', pid: ':pid' } as unknown as Json)} needs ${scope}`, async () => {
          const c = await confidential(sim, `api:oemr user/version.read ${scope}`);
          const without = String((await passwordToken(sim, c, 'api:oemr user/version.read')).access_token);
          const withScope = String((await passwordToken(sim, c, `api:oemr ${scope}`)).access_token);
          const init = (t: string) => ({
            method,
            token: t,
            headers: { 'Content-Type': 'application/json' },
            body: method === 'POST' ? '{}' : undefined,
          });
          const denied = await call(apis(sim, path(first)), init(without));
          assert.equal(denied.status, 401);
          if (flavor === 8) assert.deepEqual(denied.json, { error: 'An error occurred', message: 'Unauthorized', code: 0 });
          else assert.equal(denied.text, '');
          const allowed = await call(apis(sim, path(first)), init(withScope));
          assert.ok(allowed.status === 200 || allowed.status === 400, `${allowed.status} ${allowed.text.slice(0, 100)}`);
        });
      }

      if (flavor === 8) {
        it('SMART v2 letters: .s lists but does not read one; .r reads one but does not list', async () => {
          const c = await confidential(sim, 'api:oemr user/patient.s user/patient.r');
          const s = String((await passwordToken(sim, c, 'api:oemr user/patient.s')).access_token);
          const r = String((await passwordToken(sim, c, 'api:oemr user/patient.r')).access_token);
          assert.equal((await get('/api/patient', s)).status, 200);
          assert.equal((await get(`/api/patient/${String(first.uuid)}`, s)).status, 401);
          assert.equal((await get(`/api/patient/${String(first.uuid)}`, r)).status, 200);
          assert.equal((await get('/api/patient', r)).status, 401);
        });
      }

      it(`a token without api:oemr is refused with ${flavor === 8 ? '403' : '401 empty'}`, async () => {
        const c = await confidential(sim, 'api:fhir user/patient.read');
        const t = String((await passwordToken(sim, c, 'api:fhir user/patient.read')).access_token);
        const r = await get('/api/patient', t);
        assert.equal(r.status, flavor === 8 ? 403 : 401);
        if (flavor === 8)
          assert.equal(
            body(r).message,
            'OpenEMR Error: API call failed due to insufficient permissions for the requested resource.',
          );
      });
    });

    it(`a system/ token may call /fhir only: /api and /portal answer ${flavor === 8 ? '403' : '401 empty'}`, async () => {
      const sys = String(body(await systemToken(sim, 'system/Patient.read')).access_token);
      try {
        assert.equal((await get('/fhir/Patient?_count=1', sys)).status, 200);
        for (const path of ['/api/patient', '/portal/patient']) {
          const r = await get(path, sys);
          assert.equal(r.status, flavor === 8 ? 403 : 401, path);
          if (flavor === 7) assert.equal(r.text, '', path);
        }
      } finally {
        sim.setGlobals({ rest_system_scopes_api: 0 });
      }
    });

    it(`an ACL denial after the scope check answers ${flavor === 8 ? '403 "Organization policy ..."' : '401 empty'}`, async () => {
      const scope = 'api:oemr api:fhir user/patient.read user/encounter.read user/Encounter.read';
      const c = await confidential(sim, scope);
      const clerk = String(
        (await passwordToken(sim, c, scope, { user_role: 'users', username: 'clerk', password: 'pass' })).access_token,
      );
      assert.equal((await get('/api/patient?_limit=1', clerk)).status, 200, 'demographics are allowed');
      for (const path of [`/api/patient/${String(first.uuid)}/encounter`, `/fhir/Encounter?patient=${String(first.uuid)}`]) {
        const r = await get(path, clerk);
        if (flavor === 8)
          assert.deepEqual(
            [r.status, r.json],
            [403, { error: 'An error occurred', message: 'Organization policy does not have permit access resource', code: 0 }],
            path,
          );
        else assert.deepEqual([r.status, r.text], [401, ''], path);
      }
      const admin = String((await passwordToken(sim, c, scope)).access_token);
      assert.equal(
        (await get(`/api/patient/${String(first.uuid)}/encounter`, admin)).status,
        200,
        'the same scopes suffice for admin',
      );
    });

    describe('portal', () => {
      it('patients read their own record, encounters and appointments with api:port', async () => {
        const c = await register(sim, {
          scope: 'openid api:port patient/patient.read patient/encounter.read patient/appointment.read',
        });
        const p = sim.logins.patients[0];
        const t = String(
          (
            await passwordToken(sim, c, 'openid api:port patient/patient.read patient/encounter.read patient/appointment.read', {
              user_role: 'patient',
              username: p.username,
              password: 'pass',
              email: p.email,
            })
          ).access_token,
        );
        const me = body(await get('/portal/patient', t));
        assert.equal(me.data.uuid, p.uuid);
        const encounters = list(body(await get('/portal/patient/encounter', t)).data);
        assert.ok(encounters.length > 0);
        const one = await get(`/portal/patient/encounter/${String(encounters[0].uuid)}`, t);
        assert.equal(body(one).data.pid, p.pid);
        assert.equal((await get('/portal/patient/appointment', t)).status, 200);
        const userOnPortal = await get('/portal/patient');
        assert.equal(userOnPortal.status, flavor === 8 ? 403 : 401, 'the users role cannot call /portal');
        const patientOnApi = await get('/api/patient', t);
        assert.equal(patientOnApi.status, flavor === 8 ? 403 : 401, 'the patient role cannot call /api');
      });
    });
  });
}
