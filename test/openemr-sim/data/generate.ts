/** Deterministic synthetic records: the same (seed, index) always gives the same record. */
import { Rng, isoDate } from './prng.js';
import type { ChildKind, ChildRow, GlobalKind, PatientRecord, Row } from './records.js';
import * as V from './vocabulary.js';

/** Fixed "today" of the data, so the same seed gives the same dates on any day. */
const ANCHOR = Date.UTC(2025, 11, 31);
const DAY = 86_400_000;

/** ISO dates by days before ANCHOR, cached: formatting dates is the bulk of generating 100000 patients. */
const daysBefore: string[] = new Array<string>(90 * 366);
function dayBefore(rng: Rng, maxDays: number, minDays = 0): string {
  const days = rng.int(minDays, maxDays);
  return (daysBefore[days] ??= isoDate(new Date(ANCHOR - days * DAY)));
}

export function generatePatient(seed: number, index: number): PatientRecord {
  const rng = new Rng(seed, 'patient', index);
  const pid = index + 1;
  const female = rng.chance(0.5);
  const fname = female ? rng.pick(V.FEMALE_NAMES) : rng.pick(V.MALE_NAMES);
  const lname = rng.pick(V.LAST_NAMES);
  const [city, state, zip] = rng.pick(V.PLACES);
  const phone = () => `555-${rng.digits(3)}-${rng.digits(4)}`;
  return {
    id: pid,
    pid,
    uuid: rng.uuid(),
    pubpid: String(pid),
    title: female ? rng.pick(['Ms.', 'Mrs.', 'Dr.']) : rng.pick(['Mr.', 'Dr.']),
    fname,
    mname: rng.chance(0.4) ? rng.pick(V.LAST_NAMES).slice(0, 1) : '',
    lname,
    DOB: dayBefore(rng, 85 * 365, 365),
    sex: female ? 'Female' : 'Male',
    ss: `${rng.digits(3)}-${rng.digits(2)}-${rng.digits(4)}`,
    street: `${rng.int(1, 9999)} ${rng.pick(V.STREETS)} ${rng.pick(V.STREET_KINDS)}`,
    city,
    state,
    postal_code: zip,
    country_code: 'US',
    phone_home: phone(),
    phone_biz: rng.chance(0.3) ? phone() : '',
    phone_cell: phone(),
    email: `${fname}.${lname}${pid}@example.com`.toLowerCase(),
    race: rng.pick(V.RACES),
    ethnicity: rng.pick(V.ETHNICITIES),
    status: rng.pick(['married', 'single', 'divorced', 'widowed']),
    date: `${dayBefore(rng, 5 * 365, 1500)} 09:00:00`,
  };
}

export interface GlobalTables {
  practitioner: Row[];
  facility: Row[];
  insurance_company: Row[];
  user: Row[];
  drug: Row[];
}

export function generateGlobals(seed: number): GlobalTables {
  const rng = new Rng(seed, 'globals');
  const facility = ['Main Street Clinic', 'Lakeside Family Practice', 'Hill Medical Center'].map((name, i) => {
    const [city, state, zip] = V.PLACES[i];
    return {
      id: i + 3,
      uuid: rng.uuid(),
      name,
      phone: `555-${rng.digits(3)}-${rng.digits(4)}`,
      street: `${100 + i * 10} Health Way`,
      city,
      state,
      postal_code: zip,
      country_code: 'US',
      federal_ein: rng.digits(9),
      facility_npi: rng.digits(10),
      service_location: 1,
      billing_location: i === 0 ? 1 : 0,
    };
  });
  const practitioner = Array.from({ length: 8 }, (_, i) => {
    const female = i % 2 === 0;
    return {
      id: i + 2,
      uuid: rng.uuid(),
      title: 'Dr.',
      fname: female ? V.FEMALE_NAMES[i] : V.MALE_NAMES[i],
      mname: '',
      lname: V.LAST_NAMES[(i * 7) % V.LAST_NAMES.length],
      npi: rng.digits(10),
      specialty: V.PRACTITIONER_SPECIALTIES[i % V.PRACTITIONER_SPECIALTIES.length],
      facility_id: facility[i % facility.length].id,
      facility: facility[i % facility.length].name,
      email: `doctor${i + 2}@clinic.example.com`,
      phonew1: `555-${rng.digits(3)}-${rng.digits(4)}`,
      active: 1,
    };
  });
  const user: Row[] = [
    {
      id: 1,
      uuid: rng.uuid(),
      username: 'admin',
      fname: 'Administrator',
      lname: 'Administrator',
      title: '',
      active: 1,
      authorized: 1,
      facility_id: facility[0].id,
    },
    ...practitioner.map((p) => ({
      id: p.id,
      uuid: p.uuid,
      username: `${p.fname}${p.lname}`.toLowerCase(),
      fname: p.fname,
      lname: p.lname,
      title: p.title,
      active: 1,
      authorized: 1,
      facility_id: p.facility_id,
    })),
  ];
  const insurance_company = V.INSURANCE_COMPANIES.map((name, i) => ({
    id: i + 1,
    uuid: rng.uuid(),
    name,
    attn: 'Claims',
    cms_id: rng.digits(5),
    ins_type_code: i === 4 ? 2 : 1,
    x12_receiver_id: '',
    x12_default_partner_id: null,
    alt_cms_id: '',
  }));
  const drug = V.DRUGS.map((d, i) => ({
    drug_id: i + 1,
    id: i + 1,
    uuid: rng.uuid(),
    name: d.name,
    ndc_number: rng.digits(11),
    form: d.form,
    size: '',
    unit: '',
    route: 'oral',
    drug_code: d.rxnorm,
    active: 1,
  }));
  return { practitioner, facility, insurance_company, user, drug };
}

type Children = Record<ChildKind, ChildRow[]>;

/** A patient's clinical history, generated on first access. `nextId` returns per-patient unique ids. */
export function generateChildren(seed: number, patient: PatientRecord, globals: GlobalTables, nextId: () => number): Children {
  const rng = new Rng(seed, 'children', patient.pid);
  const out = Object.fromEntries(
    [
      'encounter',
      'vital',
      'soap_note',
      'medical_problem',
      'allergy',
      'medication',
      'surgery',
      'dental_issue',
      'appointment',
      'document',
      'insurance',
      'employer',
      'immunization',
      'procedure',
      'lab_result',
      'prescription',
      'message',
      'transaction',
    ].map((k) => [k, []]),
  ) as unknown as Children;
  const pid = patient.pid;
  const base = () => ({ id: nextId(), uuid: rng.uuid(), pid });
  const provider = () => rng.pick(globals.practitioner);

  const encounterCount = rng.int(2, 6);
  for (let i = 0; i < encounterCount; i++) {
    // one visit per ~10 months, oldest first, spread over the last years
    const date = dayBefore(rng, (encounterCount - i) * 300, (encounterCount - i - 1) * 300);
    const doc = provider();
    const facility = globals.facility.find((f) => f.id === doc.facility_id) ?? globals.facility[0];
    const enc = {
      ...base(),
      date: `${date} 10:00:00`,
      reason: rng.pick(V.ENCOUNTER_REASONS),
      facility: String(facility.name),
      facility_id: Number(facility.id),
      provider_id: Number(doc.id),
      class_code: 'AMB',
      pc_catid: 5,
      sensitivity: 'normal',
      billing_note: null,
    };
    // the encounter number and the table id are the same here
    out.encounter.push({ ...enc, encounter: enc.id, eid: enc.id });
    const heightIn = rng.int(60, 76);
    const weightLb = rng.int(110, 260);
    out.vital.push({
      ...base(),
      eid: enc.id,
      encounter: enc.id,
      date: enc.date,
      bps: String(rng.int(100, 160)),
      bpd: String(rng.int(60, 100)),
      weight: String(weightLb),
      weight_unit: 'lb',
      height: String(heightIn),
      height_unit: 'in',
      temperature: (97 + rng.next() * 3).toFixed(1),
      temperature_unit: 'F',
      pulse: String(rng.int(55, 100)),
      respiration: String(rng.int(12, 20)),
      oxygen_saturation: String(rng.int(93, 100)),
      BMI: ((weightLb / (heightIn * heightIn)) * 703).toFixed(1),
      BMI_status: '',
      note: '',
    });
    if (rng.chance(0.6)) {
      out.soap_note.push({
        ...base(),
        eid: enc.id,
        encounter: enc.id,
        date: enc.date,
        subjective: `Patient reports ${String(enc.reason).toLowerCase()}.`,
        objective: 'Vitals reviewed; exam unremarkable.',
        assessment: 'Stable.',
        plan: 'Continue current plan; return in 3 months.',
      });
    }
    if (rng.chance(0.5)) {
      const test = rng.pick(V.PROCEDURES);
      const order = {
        ...base(),
        eid: enc.id,
        encounter: enc.id,
        date: enc.date,
        code: test.code,
        name: test.name,
        status: 'complete',
        provider_id: Number(doc.id),
      };
      out.procedure.push(order);
      const lab = rng.pick(V.LAB_TESTS);
      out.lab_result.push({
        ...base(),
        procedure_id: order.id,
        eid: enc.id,
        date: enc.date,
        loinc: lab.loinc,
        name: lab.name,
        value: (lab.low + rng.next() * (lab.high - lab.low)).toFixed(1),
        unit: lab.unit,
        range: `${lab.low}-${lab.high}`,
        status: 'final',
      });
    }
  }
  for (let i = rng.int(0, 3); i > 0; i--) {
    const p = rng.pick(V.PROBLEMS);
    out.medical_problem.push({
      ...base(),
      type: 'medical_problem',
      title: p.title,
      diagnosis: `${p.system}:${p.code}`,
      begdate: dayBefore(rng, 3000, 100),
      enddate: null,
      occurrence: 0,
      outcome: 0,
      verification: 'confirmed',
    });
  }
  for (let i = rng.int(0, 2); i > 0; i--) {
    const a = rng.pick(V.ALLERGENS);
    out.allergy.push({
      ...base(),
      type: 'allergy',
      title: a.title,
      diagnosis: `RXNORM:${a.code}`,
      reaction: a.reaction,
      severity_al: rng.pick(V.SEVERITIES),
      begdate: dayBefore(rng, 6000, 300),
      enddate: null,
      verification: 'confirmed',
    });
  }
  for (let i = rng.int(0, 3); i > 0; i--) {
    const d = rng.pick(V.DRUGS);
    const begdate = dayBefore(rng, 2000, 10);
    out.medication.push({
      ...base(),
      type: 'medication',
      title: d.name,
      diagnosis: `RXCUI:${d.rxnorm}`,
      begdate,
      enddate: null,
      comments: d.dose,
    });
    out.prescription.push({
      ...base(),
      drug: d.name,
      rxnorm_drugcode: d.rxnorm,
      dosage: d.dose,
      quantity: '30',
      refills: rng.int(0, 5),
      date_added: begdate,
      start_date: begdate,
      active: 1,
      provider_id: Number(provider().id),
      status: 'active',
    });
  }
  if (rng.chance(0.3))
    out.surgery.push({
      ...base(),
      type: 'surgery',
      title: rng.pick(V.SURGERIES),
      begdate: dayBefore(rng, 9000, 400),
      enddate: null,
      diagnosis: '',
    });
  if (rng.chance(0.2))
    out.dental_issue.push({
      ...base(),
      type: 'dental',
      title: rng.pick(V.DENTAL_ISSUES),
      begdate: dayBefore(rng, 2000, 30),
      enddate: null,
      diagnosis: '',
    });
  for (let i = rng.int(1, 2); i > 0; i--) {
    const doc = provider();
    const date = isoDate(new Date(ANCHOR + rng.int(-200, 120) * DAY));
    out.appointment.push({
      ...base(),
      pc_eid: 0,
      pc_uuid: '',
      pc_pid: String(pid),
      pc_catid: 5,
      pc_catname: 'Office Visit',
      pc_title: 'Office Visit',
      pc_eventDate: date,
      pc_startTime: `${rng.int(8, 16)}:${rng.pick(['00', '15', '30', '45'])}:00`,
      pc_endTime: '',
      pc_duration: 900,
      pc_apptstatus: rng.pick(['-', '@', '>', 'x']),
      pc_aid: Number(doc.id),
      pc_facility: Number(doc.facility_id),
      pc_hometext: '',
    });
  }
  for (const appt of out.appointment) {
    appt.pc_eid = appt.id;
    appt.pc_uuid = appt.uuid;
  }
  const docCategory = rng.pick(V.DOCUMENT_CATEGORIES);
  out.document.push({
    ...base(),
    filename: `visit-summary-${pid}.txt`,
    mimetype: 'text/plain',
    docdate: dayBefore(rng, 900, 5),
    category: docCategory,
    path: docCategory.replace(/ /g, '_'),
    size: 0,
  });
  const company = rng.pick(globals.insurance_company);
  out.insurance.push({
    ...base(),
    type: 'primary',
    provider: String(company.id),
    plan_name: `${company.name} PPO`,
    policy_number: rng.digits(9),
    group_number: rng.digits(6),
    subscriber_fname: patient.fname,
    subscriber_lname: patient.lname,
    subscriber_relationship: 'self',
    subscriber_DOB: patient.DOB,
    date: dayBefore(rng, 2000, 300),
    date_end: null,
    accept_assignment: 'TRUE',
  });
  out.employer.push({
    ...base(),
    name: `${rng.pick(V.LAST_NAMES)} ${rng.pick(['Industries', 'Logistics', 'Foods', 'Consulting'])}`,
    street: `${rng.int(1, 999)} Commerce Dr`,
    city: patient.city,
    state: patient.state,
    postal_code: patient.postal_code,
    country: 'US',
  });
  for (let i = rng.int(0, 3); i > 0; i--) {
    const v = rng.pick(V.VACCINES);
    out.immunization.push({
      ...base(),
      cvx_code: v.cvx,
      cvx_code_text: v.name,
      administered_date: `${dayBefore(rng, 3000, 30)} 00:00:00`,
      amount_administered: 0.5,
      amount_administered_unit: 'mL',
      manufacturer: 'Generic Vaccines Inc',
      lot_number: `L${rng.digits(6)}`,
      completion_status: 'Completed',
      note: '',
    });
  }
  return out;
}

export type { Children, GlobalKind };
