/** The rest of the FHIR scope list (facts §4): Appointment, Device, Person, ValueSet, OperationDefinition, the v2-list types, Media and Questionnaire. */
import assert from 'node:assert/strict';
import type { RunningSimulator } from './index.js';
import {
  adminToken,
  apis,
  body,
  call,
  exportOutputs,
  FLAVORS,
  list,
  oauth,
  passwordToken,
  postJson,
  register,
  start,
  systemToken,
  type Json,
} from './test-helpers.js';

const V1_TYPES = ['Appointment', 'Device', 'Person', 'ValueSet'];
/** Only SMART v2 scopes name these; 7.0.3's route file has no route for them. */
const V2_ONLY = ['MedicationDispense', 'QuestionnaireResponse', 'RelatedPerson', 'ServiceRequest', 'Specimen'];
const ONLY_8 = ['Media', 'Questionnaire'];

for (const flavor of FLAVORS) {
  describe(`FHIR scope-list resources (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    let token: string;
    const fhir = async (path: string, t = token) => call(apis(sim, `/fhir${path}`), { token: t });
    const entries = async (path: string, t = token) => {
      const r = await fhir(path, t);
      assert.equal(r.status, 200, `${path}: ${r.status} ${r.text}`);
      return list(body(r).entry).map((e) => e.resource);
    };
    const v2 = flavor === 8 ? [...V2_ONLY, ...ONLY_8].map((t) => `user/${t}.rs`) : [];
    const scope = [
      'openid api:oemr api:fhir user/appointment.read user/user.read user/list.read user/Patient.read user/MedicationRequest.read user/Encounter.read',
      ...V1_TYPES.map((t) => `user/${t}.read`),
      ...v2,
    ].join(' ');

    before(async () => {
      sim = await start(flavor, { patients: 30 });
      token = await adminToken(sim, scope);
    });
    after(() => sim.close());

    const readable = flavor === 8 ? [...V1_TYPES, ...V2_ONLY, ...ONLY_8] : V1_TYPES;
    for (const type of readable) {
      it(`${type}: search, read the first hit by id, _count and _offset page`, async () => {
        const hits = await entries(`/${type}?_count=4`);
        assert.ok(hits.length > 0, `${type} has data`);
        assert.ok(hits.every((h) => String(h.resourceType) === type));
        const read = await fhir(`/${type}/${String(hits[0].id)}`);
        if (type === 'Questionnaire') {
          // 8.x registers a Questionnaire search but no read route
          assert.equal(read.status, 404);
          assert.equal(body(read).message, 'Route not found');
          return;
        }
        assert.equal(read.status, 200);
        assert.deepEqual(read.json, hits[0]);
        assert.match(String(hits[0].id), /^[A-Za-z0-9.-]{1,64}$/, 'a valid FHIR id');
        if (hits.length > 1)
          assert.deepEqual(
            (await entries(`/${type}?_count=1&_offset=1`)).map((h) => h.id),
            [hits[1].id],
          );
        assert.equal((await fhir(`/${type}/00000000-0000-4000-8000-0000000000ff`)).status, 404);
      });
    }

    it('the CapabilityStatement lists the types this version serves', async () => {
      const types = list(body(await call(apis(sim, '/fhir/metadata'))).rest[0].resource).map((r) => String(r.type));
      for (const t of [...V1_TYPES, 'OperationDefinition']) assert.ok(types.includes(t), t);
      for (const t of [...V2_ONLY, ...ONLY_8]) assert.equal(types.includes(t), flavor === 8, t);
    });

    it(`OperationDefinition search needs no token; a read needs ${flavor === 7 ? 'a token' : 'OperationDefinition.r'}`, async () => {
      const all = list(body(await call(apis(sim, '/fhir/OperationDefinition'))).entry).map((e) => e.resource);
      assert.ok(all.some((d) => String(d.code) === 'export'));
      assert.equal((await call(apis(sim, '/fhir/OperationDefinition/export'))).status, 401);
      // 7.0.3 checks no scope on the read; 8.x checks OperationDefinition.r
      const reader = await adminToken(sim, `api:fhir ${flavor === 7 ? 'user/Patient.read' : 'user/OperationDefinition.read'}`);
      const one = await call(apis(sim, '/fhir/OperationDefinition/export'), { token: reader });
      assert.equal(one.status, 200);
      assert.equal(body(one).resourceType, 'OperationDefinition');
      assert.equal(body(one).name, '$export');
      assert.equal((await call(apis(sim, '/fhir/OperationDefinition/nope'), { token: reader })).status, 404);
      if (flavor === 8) assert.equal((await call(apis(sim, '/fhir/OperationDefinition/export'), { token })).status, 401);
    });

    it(`Media and Questionnaire are ${flavor === 8 ? 'served in 8.x' : 'unknown routes in 7.0.3'}`, async () => {
      for (const type of ONLY_8) {
        const r = await fhir(`/${type}`);
        if (flavor === 8) assert.equal(r.status, 200);
        else assert.deepEqual([r.status, r.text], [404, '']);
      }
    });

    it('Appointment is the standard API appointment: same uuid, date, practitioner and location', async () => {
      const std = list(body(await call(apis(sim, '/api/patient/1/appointment'), { token })).data)[0];
      const appt = body(await fhir(`/Appointment/${String(std.pc_uuid)}`));
      assert.equal(String(appt.start).slice(0, 10), std.pc_eventDate);
      assert.equal(appt.minutesDuration, Number(std.pc_duration) / 60);
      const refs = list(appt.participant).map((p) => String(p.actor.reference));
      const puuid = String(std.puuid);
      assert.ok(refs.includes(`Patient/${puuid}`));
      for (const prefix of ['Practitioner/', 'Location/']) {
        const ref = refs.find((r) => r.startsWith(prefix)) ?? '';
        assert.equal((await fhir(`/${ref}`, await adminToken(sim))).status, 200, ref);
      }
      const mine = await entries(`/Appointment?patient=${puuid}`);
      assert.deepEqual(
        mine.map((a) => a.id).sort(),
        list(body(await call(apis(sim, '/api/patient/1/appointment'), { token })).data)
          .map((a) => a.pc_uuid)
          .sort(),
      );
    });

    it('Person is an OpenEMR user (admin included); practitioners link to their Practitioner', async () => {
      const users = list(body(await call(apis(sim, '/api/user'), { token })).data);
      const persons = await entries('/Person');
      assert.deepEqual(persons.map((p) => p.id).sort(), users.map((u) => u.uuid).sort());
      const admin = users.find((u) => String(u.username) === 'admin') as Json;
      assert.equal(body(await fhir(`/Person/${String(admin.uuid)}`)).name[0].family, admin.lname);
      assert.ok(persons.some((p) => String(p.link?.[0]?.target.reference).startsWith('Practitioner/')));
      assert.ok((await entries('/Person?name=admin')).length >= 1);
    });

    it('ValueSets are the option lists of /api/list', async () => {
      const sex = body(await fhir('/ValueSet/sex'));
      const list_ = list(body(await call(apis(sim, '/api/list/sex'), { token })).data);
      assert.deepEqual(
        list(sex.compose.include[0].concept).map((c) => c.code),
        list_.map((o) => o.option_id),
      );
    });

    it("Device search by patient= returns that patient's devices only; the data is deterministic per seed", async () => {
      const devices = await entries('/Device?_count=50');
      const owner = String(devices[0].patient.reference).split('/')[1];
      const own = await entries(`/Device?patient=${owner}`);
      assert.ok(own.length > 0 && own.every((d) => String(d.patient.reference) === `Patient/${owner}`));
      const twin = await start(flavor, { patients: 30 });
      try {
        const t2 = await adminToken(twin, scope);
        const again = list(body(await call(`${twin.url}/apis/default/fhir/Device?_count=50`, { token: t2 })).entry).map(
          (e) => e.resource,
        );
        assert.deepEqual(again, devices);
      } finally {
        await twin.close();
      }
    });

    if (flavor === 8) {
      it('v2-list resources reference each other: Specimen -> ServiceRequest, MedicationDispense -> MedicationRequest, QuestionnaireResponse -> Questionnaire', async () => {
        const specimen = (await entries('/Specimen?_count=1'))[0];
        assert.equal((await fhir(`/${String(specimen.request[0].reference)}`)).status, 200);
        const dispense = (await entries('/MedicationDispense?_count=1'))[0];
        assert.equal((await fhir(`/${String(dispense.authorizingPrescription[0].reference)}`)).status, 200);
        const response = (await entries('/QuestionnaireResponse?_count=1'))[0];
        assert.equal((await entries('/Questionnaire'))[0].url, response.questionnaire);
        assert.equal((await fhir(`/${String(response.encounter.reference)}`)).status, 200);
        const related = (await entries('/RelatedPerson?_count=1'))[0];
        assert.equal((await fhir(`/${String(related.patient.reference)}`)).status, 200);
      });

      it('SMART v2 letters: .s searches but does not read, .r reads but does not search', async () => {
        const s = await adminToken(sim, 'api:fhir user/ServiceRequest.s user/Specimen.r');
        assert.equal((await fhir('/ServiceRequest?_count=1', s)).status, 200);
        const id = String((await entries('/ServiceRequest?_count=1'))[0].id);
        assert.equal((await fhir(`/ServiceRequest/${id}`, s)).status, 401);
        assert.equal((await fhir('/Specimen', s)).status, 401);
      });

      it('patient tokens see only their own RelatedPerson and Appointments', async () => {
        const p = sim.logins.patients[0];
        const pscope = 'openid api:fhir patient/RelatedPerson.rs patient/Appointment.read';
        const pc = await register(sim, { scope: pscope });
        const pt = String(
          (await passwordToken(sim, pc, pscope, { user_role: 'patient', username: p.username, password: 'pass', email: p.email }))
            .access_token,
        );
        const related = await entries('/RelatedPerson', pt);
        assert.equal(related.length, 1);
        assert.equal(related[0].patient.reference, `Patient/${p.uuid}`);
        assert.ok(
          (await entries('/Appointment', pt)).every((a) =>
            list(a.participant).some((x) => String(x.actor.reference) === `Patient/${p.uuid}`),
          ),
        );
        const other = (await entries('/RelatedPerson?_count=5')).find(
          (r) => String(r.patient.reference) !== `Patient/${p.uuid}`,
        ) as Json;
        assert.equal((await fhir(`/RelatedPerson/${String(other.id)}`, pt)).status, 404);
      });
    } else {
      it('v2-list resources are unknown routes in 7.0.3, and registration refuses their v2 letters', async () => {
        const r = await postJson(oauth(sim, '/registration'), {
          application_type: 'private',
          redirect_uris: ['http://127.0.0.1:9/cb'],
          scope: 'api:fhir user/ServiceRequest.rs',
        });
        assert.equal(body(r).error, 'invalid_scope');
        for (const type of V2_ONLY)
          assert.deepEqual([(await fhir(`/${type}`)).status, (await fhir(`/${type}`)).text], [404, ''], type);
      });
    }

    it('scope checks per type: a token with Appointment only is refused Device and Person', async () => {
      const only = await adminToken(sim, 'api:fhir user/Appointment.read');
      assert.equal((await fhir('/Appointment?_count=1', only)).status, 200);
      assert.equal((await fhir('/Device', only)).status, 401);
      assert.equal((await fhir('/Person', only)).status, 401);
    });

    it(`bulk export offers the types ${flavor === 8 ? '8.x serves, Media included' : '7.0.3 serves, not Media'}`, async () => {
      const sys = String(
        body(await systemToken(sim, 'system/*.$export system/*.$bulkdata-status system/Patient.$export system/Device.read'))
          .access_token,
      );
      const types = flavor === 8 ? ['Device', 'RelatedPerson', 'Specimen', 'ServiceRequest'] : ['Device'];
      const outputs = await exportOutputs(sim, sys, `/Patient/$export?_type=${types.join(',')}`);
      assert.deepEqual(
        outputs.map((o) => o.type),
        types,
      );
      assert.ok(outputs.every((o) => Number(o.count) > 0));
      const media = await call(apis(sim, '/fhir/Patient/$export?_type=Media'), {
        token: sys,
        headers: { Prefer: 'respond-async' },
      });
      assert.equal(media.status, flavor === 8 ? 202 : 400);
      sim.setGlobals({ rest_system_scopes_api: 0 });
    });
  });
}
