/** Facts §7: FHIR bundles, read and search, the three writable types, Provenance, bulk export. */
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

const TYPES = [
  'Patient',
  'Encounter',
  'Observation',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'Medication',
  'Immunization',
  'Procedure',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'CareTeam',
  'CarePlan',
  'Goal',
  'Coverage',
  'DocumentReference',
  'DiagnosticReport',
  'Provenance',
];

for (const flavor of FLAVORS) {
  describe(`FHIR (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    let token: string;
    const fhir = (path: string, t = token) => call(apis(sim, `/fhir${path}`), { token: t });
    before(async () => {
      sim = await start(flavor, { patients: 30 });
      token = await adminToken(sim);
    });
    after(() => sim.close());

    it('search answers a collection Bundle with total = entries and only a self link', async () => {
      const r = await fhir('/Patient?_count=5&_offset=10');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /application\/fhir\+json/);
      const b = body(r);
      assert.equal(b.resourceType, 'Bundle');
      assert.equal(b.type, 'collection');
      assert.equal(b.total, 5);
      assert.ok(b.meta.lastUpdated);
      assert.deepEqual(
        list(b.link).map((l) => l.relation),
        ['self'],
      );
      assert.equal(list(b.entry)[0].fullUrl, apis(sim, `/fhir/Patient/${String(list(b.entry)[0].resource.id)}`));
    });

    it('the same patient appears in both APIs, by uuid and by pid', async () => {
      const std = list(body(await call(apis(sim, '/api/patient?_limit=3'), { token })).data)[2];
      const pt = body(await fhir(`/Patient/${String(std.uuid)}`));
      assert.equal(pt.name[0].family, std.lname);
      assert.equal(pt.birthDate, std.DOB);
      assert.equal(pt.identifier[0].value, String(std.pid));
    });

    for (const type of TYPES) {
      it(`${type}: search, then read the first hit by id`, async () => {
        const b = body(await fhir(`/${type}?_count=3`));
        const entries = list(b.entry);
        assert.ok(entries.length > 0, `${type} has data`);
        const hit = entries[0].resource;
        assert.equal(hit.resourceType, type);
        const read = await fhir(`/${type}/${String(hit.id)}`);
        assert.equal(read.status, 200);
        assert.deepEqual(read.json, hit);
      });
    }

    it('search by name, _id and category; a missing id is 404', async () => {
      const some = list(body(await fhir('/Patient?_count=1&_offset=7')).entry)[0].resource;
      const byName = list(body(await fhir(`/Patient?name=${String(some.name[0].family).toLowerCase()}`)).entry);
      assert.ok(byName.some((e) => e.resource.id === some.id));
      const byId = list(body(await fhir(`/Patient?_id=${String(some.id)}`)).entry);
      assert.equal(byId.length, 1);
      const vitals = list(body(await fhir(`/Observation?patient=${String(some.id)}&category=vital-signs`)).entry);
      assert.ok(vitals.length > 0 && vitals.every((e) => JSON.stringify(e.resource.category).includes('vital-signs')));
      const vital = vitals.find((e) => e.resource.valueQuantity)?.resource as Json;
      assert.ok(vital.valueQuantity.unit, 'vitals carry units');
      assert.equal((await fhir('/Patient/00000000-0000-4000-8000-00000000ffff')).status, 404);
    });

    it('_revinclude=Provenance:target adds Provenance with ids <Resource>:<uuid>', async () => {
      const b = body(await fhir('/Patient?_count=2&_revinclude=Provenance:target'));
      const prov = list(b.entry).filter((e) => String(e.resource.resourceType) === 'Provenance');
      assert.equal(prov.length, 2);
      assert.match(String(prov[0].resource.id), /^Patient:[0-9a-f-]{36}$/);
      const read = await fhir(`/Provenance/${String(prov[0].resource.id)}`);
      assert.equal(body(read).target[0].reference, `Patient/${String(prov[0].resource.id).split(':')[1]}`);
    });

    it('Provenance search understands _id only: patient= is ignored, as in OpenEMR', async () => {
      const [first] = list(body(await fhir('/Patient?_count=1')).entry);
      const byPatient = list(body(await fhir(`/Provenance?patient=${String(first.resource.id)}&_count=10`)).entry);
      assert.equal(byPatient.length, 10, "every Provenance, not only that patient's");
      assert.ok(byPatient.some((e) => !String(e.resource.id).endsWith(String(first.resource.id))));
      const byId = list(body(await fhir(`/Provenance?_id=Patient:${String(first.resource.id)}`)).entry);
      assert.deepEqual(
        byId.map((e) => String(e.resource.id)),
        [`Patient:${String(first.resource.id)}`],
      );
    });

    it('POST and PUT Patient, Practitioner and Organization; validation errors are 400', async () => {
      const created = await postJson(
        apis(sim, '/fhir/Patient'),
        { resourceType: 'Patient', name: [{ family: 'Hopper', given: ['Grace'] }], gender: 'female', birthDate: '1906-12-09' },
        token,
      );
      assert.equal(created.status, 201);
      // FhirServiceBase::insert answers the insert result ({pid, uuid}), not the resource
      assert.equal(body(created).resourceType, undefined);
      const id = String(body(created).uuid);
      const std = list(body(await call(apis(sim, '/api/patient?lname=Hopper'), { token })).data);
      assert.equal(std[0].uuid, id);
      const put = await postJson(
        apis(sim, `/fhir/Patient/${id}`),
        {
          resourceType: 'Patient',
          id,
          name: [{ family: 'Hopper', given: ['Grace', 'Brewster'] }],
          gender: 'female',
          birthDate: '1906-12-09',
        },
        token,
        'PUT',
      );
      assert.equal(put.status, 200);
      assert.deepEqual(body(put).name[0].given, ['Grace', 'Brewster']);
      const invalid = await postJson(apis(sim, '/fhir/Patient'), { resourceType: 'Patient' }, token);
      assert.equal(invalid.status, 400);
      assert.ok(body(invalid).validationErrors);
      const doc = await postJson(
        apis(sim, '/fhir/Practitioner'),
        { resourceType: 'Practitioner', name: [{ family: 'Blackwell', given: ['Elizabeth'] }] },
        token,
      );
      assert.equal(doc.status, 201);
      const org = await postJson(apis(sim, '/fhir/Organization'), { resourceType: 'Organization', name: 'New Clinic' }, token);
      assert.equal(org.status, 201);
      assert.ok(list(body(await call(apis(sim, '/api/facility'), { token })).data).some((f) => String(f.name) === 'New Clinic'));
      const readOnly = await postJson(apis(sim, '/fhir/Encounter'), { resourceType: 'Encounter' }, token);
      assert.ok(readOnly.status >= 400, 'Encounter is read-only');
    });

    it('a FHIR read without the resource scope is refused; patient tokens see only their compartment', async () => {
      const c = await confidential(sim, 'api:fhir user/Encounter.read user/Patient.read');
      const t = String((await passwordToken(sim, c, 'api:fhir user/Encounter.read')).access_token);
      assert.equal((await fhir('/Patient', t)).status, 401);
      assert.equal((await fhir('/Encounter?_count=1', t)).status, 200);
      const pc = await register(sim, { scope: 'openid api:fhir patient/Patient.read patient/Encounter.read' });
      const p = sim.logins.patients[0];
      const pt = String(
        (
          await passwordToken(sim, pc, 'openid api:fhir patient/Patient.read patient/Encounter.read', {
            user_role: 'patient',
            username: p.username,
            password: 'pass',
            email: p.email,
          })
        ).access_token,
      );
      const mine = list(body(await fhir('/Patient', pt)).entry);
      assert.deepEqual(
        mine.map((e) => e.resource.id),
        [p.uuid],
      );
      assert.equal((await fhir(`/Patient/${sim.logins.patients[1].uuid}`, pt)).status, 404);
      const write = await postJson(
        apis(sim, '/fhir/Patient'),
        { resourceType: 'Patient', name: [{ family: 'X', given: ['Y'] }], gender: 'male', birthDate: '2000-01-01' },
        pt,
      );
      assert.ok(write.status === 401 || write.status === 403, 'patient tokens cannot write FHIR');
    });

    describe('bulk export', () => {
      it('kick-off 202 with Content-Location, 202 while in progress, then a manifest of NDJSON files', async () => {
        const t = await systemToken(
          sim,
          'system/Patient.read system/Group.read system/Binary.read system/*.$export system/*.$bulkdata-status system/Group.$export',
        );
        const sys = String(body(t).access_token);
        const noPrefer = await fhir('/$export', sys);
        assert.equal(noPrefer.status, 400);
        const kick = await call(apis(sim, '/fhir/Patient/$export?_type=Patient,Condition'), {
          token: sys,
          headers: { Prefer: 'respond-async' },
        });
        assert.equal(kick.status, 202);
        const statusUrl = kick.headers.get('content-location') ?? '';
        assert.ok(statusUrl.startsWith(apis(sim, '/fhir/$bulkdata-status')));
        const pending = await call(statusUrl, { token: sys });
        assert.equal(pending.status, 202);
        const done = await call(statusUrl, { token: sys });
        assert.equal(done.status, 200);
        const outputs = list(body(done).output);
        assert.deepEqual(
          outputs.map((o) => o.type),
          ['Patient', 'Condition'],
        );
        const file = await call(String(outputs[0].url), { token: sys });
        assert.equal(file.headers.get('content-type'), 'application/fhir+ndjson');
        const lines = file.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { resourceType: string });
        const all = await call(apis(sim, '/api/patient'), { token });
        assert.equal(all.status, 200, all.text);
        const everyone = list(body(all).data);
        assert.equal(lines.length, everyone.length);
        assert.ok(lines.every((l) => l.resourceType === 'Patient'));
        const group = list(body(await fhir('/Group', sys)).entry)[0].resource;
        assert.equal(
          (await call(apis(sim, `/fhir/Group/${String(group.id)}/$export`), { token: sys, headers: { Prefer: 'respond-async' } }))
            .status,
          202,
        );
        assert.equal((await call(statusUrl, { method: 'DELETE', token: sys })).status, 202);
        assert.equal((await call(statusUrl, { token: sys })).status, 404);
        assert.notEqual(
          (await call(apis(sim, '/fhir/$export'), { token, headers: { Prefer: 'respond-async' } })).status,
          202,
          'user tokens cannot export',
        );
      });
    });
  });
}
