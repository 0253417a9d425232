/** Builds FHIR R4 resources on demand from the simulator's rows: patient-compartment resources. */
import type {
  AllergyIntolerance,
  CarePlan,
  CareTeam,
  Condition,
  Coverage,
  DiagnosticReport,
  DocumentReference,
  Encounter,
  Goal,
  Immunization,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
} from 'fhir/r4';
import { num, str, type ChildRow, type PatientRecord, type Row } from '../data/records.js';
import type { DataStore } from '../data/store.js';
import { fhirDate, fhirDateTime, meta, patientRef } from './common.js';

const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

export function patientResource(p: PatientRecord): Patient {
  const telecom = [
    p.phone_home && { system: 'phone' as const, value: p.phone_home, use: 'home' as const },
    p.phone_cell && { system: 'phone' as const, value: p.phone_cell, use: 'mobile' as const },
    p.phone_biz && { system: 'phone' as const, value: p.phone_biz, use: 'work' as const },
    p.email && { system: 'email' as const, value: p.email, use: 'home' as const },
  ].filter((t): t is Exclude<typeof t, '' | undefined> => Boolean(t));
  return {
    resourceType: 'Patient',
    id: p.uuid,
    meta,
    identifier: [
      {
        use: 'official',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PT' }] },
        system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
        value: p.pubpid,
      },
    ],
    active: true,
    name: [
      {
        use: 'official',
        family: p.lname,
        given: [p.fname, ...(p.mname ? [p.mname] : [])],
        ...(p.title ? { prefix: [p.title] } : {}),
      },
    ],
    telecom,
    gender: p.sex === 'Female' ? 'female' : p.sex === 'Male' ? 'male' : 'unknown',
    birthDate: p.DOB,
    address: [
      { line: [p.street], city: p.city, state: p.state, postalCode: p.postal_code, country: p.country_code, use: 'home' },
    ],
  };
}

export function encounterResource(e: ChildRow, p: PatientRecord): Encounter {
  return {
    resourceType: 'Encounter',
    id: e.uuid,
    meta,
    status: 'finished',
    class: {
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: str(e, 'class_code') || 'AMB',
      display: 'ambulatory',
    },
    type: [{ text: str(e, 'reason') }],
    subject: patientRef(p),
    period: { start: fhirDateTime(str(e, 'date')) },
    reasonCode: [{ text: str(e, 'reason') }],
    identifier: [{ system: 'urn:openemr:encounter', value: String(e.id) }],
  };
}

const VITAL_CODES: ReadonlyArray<[suffix: string, loinc: string, display: string, field: string, unit: string]> = [
  ['weight', '29463-7', 'Body weight', 'weight', '[lb_av]'],
  ['height', '8302-2', 'Body height', 'height', '[in_i]'],
  ['temp', '8310-5', 'Body temperature', 'temperature', '[degF]'],
  ['pulse', '8867-4', 'Heart rate', 'pulse', '/min'],
  ['resp', '9279-1', 'Respiratory rate', 'respiration', '/min'],
  ['spo2', '59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', 'oxygen_saturation', '%'],
  ['bmi', '39156-5', 'Body mass index (BMI) [Ratio]', 'BMI', 'kg/m2'],
];

/** One vitals row becomes one Observation per measurement plus a blood-pressure panel. */
export function vitalObservations(v: ChildRow, p: PatientRecord, encounterUuid?: string): Observation[] {
  const common = (suffix: string, loinc: string, display: string) => ({
    resourceType: 'Observation' as const,
    id: `${v.uuid}-${suffix}`,
    meta,
    status: 'final' as const,
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display }], text: display },
    subject: patientRef(p),
    effectiveDateTime: fhirDateTime(str(v, 'date')),
    ...(encounterUuid ? { encounter: { reference: `Encounter/${encounterUuid}` } } : {}),
  });
  const out: Observation[] = VITAL_CODES.filter(([, , , field]) => str(v, field) !== '').map(
    ([suffix, loinc, display, field, unit]) => ({
      ...common(suffix, loinc, display),
      valueQuantity: { value: Number(v[field]), unit, system: 'http://unitsofmeasure.org', code: unit },
    }),
  );
  if (str(v, 'bps')) {
    const mmHg = (value: number) => ({ value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
    out.push({
      ...common('bp', '85354-9', 'Blood pressure panel with all children optional'),
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
          valueQuantity: mmHg(num(v, 'bps')),
        },
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }] },
          valueQuantity: mmHg(num(v, 'bpd')),
        },
      ],
    });
  }
  return out;
}

export function labObservation(l: ChildRow, p: PatientRecord): Observation {
  const [low, high] = str(l, 'range').split('-').map(Number);
  return {
    resourceType: 'Observation',
    id: l.uuid,
    meta,
    status: 'final',
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: str(l, 'loinc'), display: str(l, 'name') }], text: str(l, 'name') },
    subject: patientRef(p),
    effectiveDateTime: fhirDateTime(str(l, 'date')),
    valueQuantity: { value: num(l, 'value'), unit: str(l, 'unit'), system: 'http://unitsofmeasure.org', code: str(l, 'unit') },
    referenceRange: [{ low: { value: low, unit: str(l, 'unit') }, high: { value: high, unit: str(l, 'unit') } }],
  };
}

function codeOf(diagnosis: string): { system: string; code: string } {
  const [sys, code] = diagnosis.split(':');
  const systems: Record<string, string> = {
    ICD10: 'http://hl7.org/fhir/sid/icd-10-cm',
    RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
    RXCUI: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  };
  return { system: systems[sys] ?? 'http://snomed.info/sct', code: code ?? sys };
}

export function conditionResource(c: ChildRow, p: PatientRecord): Condition {
  return {
    resourceType: 'Condition',
    id: c.uuid,
    meta,
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: str(c, 'enddate') ? 'resolved' : 'active' },
      ],
    },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-category',
            code: 'problem-list-item',
            display: 'Problem List Item',
          },
        ],
      },
    ],
    code: { coding: [{ ...codeOf(str(c, 'diagnosis')), display: str(c, 'title') }], text: str(c, 'title') },
    subject: patientRef(p),
    onsetDateTime: str(c, 'begdate') || undefined,
  };
}

export function allergyResource(a: ChildRow, p: PatientRecord): AllergyIntolerance {
  const severity = str(a, 'severity_al');
  return {
    resourceType: 'AllergyIntolerance',
    id: a.uuid,
    meta,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }],
    },
    category: ['medication'],
    criticality: severity === 'severe' ? 'high' : 'low',
    code: { coding: [{ ...codeOf(str(a, 'diagnosis')), display: str(a, 'title') }], text: str(a, 'title') },
    patient: patientRef(p),
    onsetDateTime: str(a, 'begdate') || undefined,
    reaction: [
      {
        manifestation: [{ text: str(a, 'reaction') }],
        severity: severity === 'severe' || severity === 'moderate' || severity === 'mild' ? severity : undefined,
      },
    ],
  };
}

export function medicationRequestResource(m: ChildRow, p: PatientRecord): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: m.uuid,
    meta,
    status: num(m, 'active') ? 'active' : 'completed',
    intent: 'order',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'community' }] }],
    medicationCodeableConcept: {
      coding: [
        { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: str(m, 'rxnorm_drugcode'), display: str(m, 'drug') },
      ],
      text: str(m, 'drug'),
    },
    subject: patientRef(p),
    authoredOn: str(m, 'date_added'),
    dosageInstruction: [{ text: str(m, 'dosage') }],
  };
}

export function immunizationResource(i: ChildRow, p: PatientRecord): Immunization {
  return {
    resourceType: 'Immunization',
    id: i.uuid,
    meta,
    status: 'completed',
    vaccineCode: {
      coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: str(i, 'cvx_code'), display: str(i, 'cvx_code_text') }],
      text: str(i, 'cvx_code_text'),
    },
    patient: patientRef(p),
    occurrenceDateTime: fhirDateTime(str(i, 'administered_date')),
    primarySource: true,
    lotNumber: str(i, 'lot_number'),
    doseQuantity: { value: num(i, 'amount_administered'), unit: str(i, 'amount_administered_unit') },
  };
}

export function procedureResource(pr: ChildRow, p: PatientRecord): Procedure {
  return {
    resourceType: 'Procedure',
    id: pr.uuid,
    meta,
    status: 'completed',
    code: {
      coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: str(pr, 'code'), display: str(pr, 'name') }],
      text: str(pr, 'name'),
    },
    subject: patientRef(p),
    performedDateTime: fhirDateTime(str(pr, 'date')),
  };
}

export function diagnosticReportResource(pr: ChildRow, labs: ChildRow[], p: PatientRecord): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: pr.uuid,
    meta,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' }] }],
    code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: str(pr, 'code'), display: str(pr, 'name') }] },
    subject: patientRef(p),
    effectiveDateTime: fhirDateTime(str(pr, 'date')),
    issued: fhirDateTime(str(pr, 'date')),
    result: labs.filter((l) => l.procedure_id === pr.id).map((l) => ({ reference: `Observation/${l.uuid}` })),
  };
}

export function coverageResource(c: ChildRow, p: PatientRecord, companies: Row[]): Coverage {
  const company = companies.find((x) => String(x.id) === str(c, 'provider'));
  return {
    resourceType: 'Coverage',
    id: c.uuid,
    meta,
    status: 'active',
    subscriberId: str(c, 'policy_number'),
    beneficiary: patientRef(p),
    relationship: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
          code: str(c, 'subscriber_relationship') || 'self',
        },
      ],
    },
    payor: [
      {
        reference: company ? `Organization/${String(company.uuid)}` : undefined,
        display: company ? String(company.name) : undefined,
      },
    ],
    period: { start: str(c, 'date') },
    class: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] },
        value: str(c, 'group_number'),
        name: str(c, 'plan_name'),
      },
    ],
  };
}

export function documentReferenceResource(d: ChildRow, p: PatientRecord, binaryUrl: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: d.uuid,
    meta,
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '34133-9', display: 'Summary of episode note' }] },
    category: [
      {
        coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note' }],
        text: str(d, 'category'),
      },
    ],
    subject: patientRef(p),
    date: `${fhirDate(str(d, 'docdate'))}T00:00:00Z`,
    content: [{ attachment: { contentType: str(d, 'mimetype'), url: binaryUrl, title: str(d, 'filename') } }],
  };
}

/** One care team per patient: the practitioners who saw them. */
export function careTeamResource(p: PatientRecord, data: DataStore): CareTeam {
  const ids = [...new Set(data.childrenOf(p.pid).encounter.map((e) => num(e, 'provider_id')))];
  const members = data.globals.practitioner.filter((pr) => ids.includes(Number(pr.id)));
  return {
    resourceType: 'CareTeam',
    id: p.uuid,
    meta,
    status: 'active',
    subject: patientRef(p),
    participant: members.map((m) => ({
      role: [{ text: String(m.specialty) }],
      member: { reference: `Practitioner/${String(m.uuid)}`, display: `${String(m.fname)} ${String(m.lname)}` },
    })),
  };
}

export function carePlanResource(p: PatientRecord, data: DataStore): CarePlan {
  const plans = data.childrenOf(p.pid).soap_note.map((s) => str(s, 'plan'));
  return {
    resourceType: 'CarePlan',
    id: p.uuid,
    meta,
    status: 'active',
    intent: 'plan',
    subject: patientRef(p),
    category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan' }] }],
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml">${plans.length ? plans.map((t) => t.replace(/[<&]/g, '')).join('; ') : 'No plan recorded.'}</div>`,
    },
  };
}

/** A goal for each medical problem. */
export function goalResource(c: ChildRow, p: PatientRecord): Goal {
  return {
    resourceType: 'Goal',
    id: c.uuid,
    meta,
    lifecycleStatus: 'active',
    description: { text: `Manage ${str(c, 'title').toLowerCase()}` },
    subject: patientRef(p),
    addresses: [{ reference: `Condition/${c.uuid}` }],
  };
}
