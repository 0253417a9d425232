import assert from 'node:assert/strict';
import {
  encounterNumber,
  itemPath,
  optionListGroup,
  PATIENT_FHIR_GROUPS,
  PATIENT_STANDARD_GROUPS,
  patientSections,
  recordId,
  SERVER_COLLECTIONS,
  SERVER_FHIR_COLLECTIONS,
} from '../../../src/explorer/catalog';
import { FHIR_RESOURCES, FHIR_TYPE_PLACES, PATIENT_GROUPS } from '../../../src/core';

const byId = (id: string) =>
  [...PATIENT_STANDARD_GROUPS, ...PATIENT_FHIR_GROUPS, ...SERVER_COLLECTIONS].find((g) => g.id === id)!;

describe('explorer catalog', () => {
  it("lists the issue's groups under a patient, standard API first, then FHIR", () => {
    assert.deepEqual(
      PATIENT_STANDARD_GROUPS.map((g) => g.label),
      [
        'Encounters',
        'Allergies',
        'Medical Problems',
        'Medications',
        'Surgeries',
        'Dental Issues',
        'Appointments',
        'Insurance',
        'Documents',
        'Employer',
        'Messages',
        'Transactions',
      ],
    );
    assert.equal(PATIENT_FHIR_GROUPS.length, 22);
    assert.ok(PATIENT_FHIR_GROUPS.every((g) => g.path === `/fhir/${g.resource}` && g.item === 'fhir'));
  });

  it("shows all 34 of OpenEMR's FHIR types, from the one list the core's PATIENT_GROUPS also uses", () => {
    const shown = new Set([
      'Patient', // the server's Patients node
      ...PATIENT_FHIR_GROUPS.map((g) => g.resource),
      ...SERVER_FHIR_COLLECTIONS.map((g) => g.resource),
    ]);
    const openemr = [...FHIR_RESOURCES, 'Binary', 'OperationDefinition'];
    assert.equal(openemr.length, 34);
    assert.deepEqual([...shown].sort(), [...openemr].sort());
    assert.deepEqual([...shown].sort(), Object.keys(FHIR_TYPE_PLACES).sort());
    for (const t of [
      'Appointment',
      'Device',
      'Media',
      'MedicationDispense',
      'QuestionnaireResponse',
      'RelatedPerson',
      'ServiceRequest',
      'Specimen',
    ])
      assert.ok(
        PATIENT_FHIR_GROUPS.some((g) => g.resource === t),
        t,
      );
    assert.ok(SERVER_FHIR_COLLECTIONS.some((g) => g.resource === 'Questionnaire'));
    assert.ok(SERVER_FHIR_COLLECTIONS.find((g) => g.resource === 'Binary')?.unsupported);
    assert.deepEqual(
      PATIENT_GROUPS.filter((g) => g.api === 'fhir').map((g) => g.id),
      PATIENT_FHIR_GROUPS.filter((g) => !g.subgroups).map((g) => g.id),
    );
  });

  it('gives patient tokens the portal instead of the standard API, and backend services FHIR only', () => {
    assert.deepEqual(
      patientSections('user').map((s) => s.id),
      ['standard', 'fhir'],
    );
    assert.deepEqual(
      patientSections('patient').map((s) => s.id),
      ['portal', 'fhir'],
    );
    assert.deepEqual(
      patientSections('system').map((s) => s.id),
      ['fhir'],
    );
  });

  it("takes each collection's instance key from the core route catalog", () => {
    const item = (id: string) => SERVER_COLLECTIONS.find((c) => c.id === id)!.item;
    assert.equal(item('api:practitioner'), 'uuid');
    assert.equal(item('api:facility'), 'uuid');
    assert.equal(item('api:insurance_company'), 'id');
    assert.equal(item('api:appointment'), 'id');
    assert.equal(SERVER_COLLECTIONS.length, 11);
    assert.ok(SERVER_FHIR_COLLECTIONS.some((c) => c.resource === 'Organization'));
    assert.ok(!SERVER_FHIR_COLLECTIONS.some((c) => c.resource === 'Patient'));
  });

  it('builds instance paths by uuid, numeric id or FHIR id, encoded, and none where OpenEMR has no route', () => {
    const ctx = { puuid: 'p-uuid', pid: '12' };
    assert.equal(itemPath(byId('api:encounter'), { uuid: 'e/1', id: 3 }, ctx), '/api/patient/p-uuid/encounter/e%2F1');
    assert.equal(itemPath(byId('api:medication'), { uuid: 'm', id: 9 }, ctx), '/api/patient/12/medication/9');
    assert.equal(itemPath(byId('fhir:Condition'), { resourceType: 'Condition', id: 'c 1' }, ctx), '/fhir/Condition/c%201');
    assert.equal(itemPath(byId('api:employer'), { name: 'Acme' }, ctx), undefined);
    assert.equal(itemPath(optionListGroup('sex'), { option_id: 'Female' }, {}), undefined);
    assert.throws(() => itemPath(byId('api:medication'), { id: 9 }, { puuid: 'p' }), /pid/);
  });

  it('picks the id to copy and the encounter number for :eid', () => {
    assert.equal(recordId({ uuid: 'u', id: 1 }), 'u');
    assert.equal(recordId({ id: 5 }), '5');
    assert.equal(encounterNumber({ eid: 7, encounter: 8, id: 9 }), '7');
    assert.equal(encounterNumber({ encounter: 8, id: 9 }), '8');
  });
});
