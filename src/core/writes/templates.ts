/**
 * Templates and JSON schemas of the write routes: for each kind of record, the fields a POST must carry
 * with example values OpenEMR accepts (its validators' formats: dates `YYYY-MM-DD`, list option ids), and
 * the optional fields that completion offers. vscode-free.
 */
import type { ResourceRoute } from '../catalog/resources';
import { isObject, type JsonObject } from './fields';

export interface RecordTemplate {
  /** Fields the route requires, with example values. */
  required: JsonObject;
  /** Other fields OpenEMR reads, with example values (offered by completion, not put in the document). */
  optional: JsonObject;
}

const TODAY = '2026-01-15';
const ISSUE_OPTIONAL = { enddate: '', diagnosis: '', comments: '', outcome: 0, occurrence: 0, reaction: '', verification: '' };

/** By the route's scope resource (`patient`, `allergy`, `Patient`). */
const TEMPLATES: Record<string, RecordTemplate> = {
  patient: {
    required: { fname: 'Jane', lname: 'Doe', DOB: '1980-04-02', sex: 'Female' },
    optional: {
      mname: '',
      title: 'Ms.',
      street: '123 Main St',
      postal_code: '02139',
      city: 'Boston',
      state: 'MA',
      country_code: 'US',
      phone_home: '617-555-0100',
      phone_cell: '617-555-0101',
      phone_biz: '',
      email: 'jane.doe@example.com',
      ss: '',
      race: '',
      ethnicity: '',
      status: 'single',
      drivers_license: '',
    },
  },
  encounter: {
    required: { pc_catid: '5', class_code: 'AMB' },
    optional: {
      date: `${TODAY} 10:00:00`,
      reason: 'Annual check-up',
      facility_id: 3,
      billing_facility: 3,
      sensitivity: 'normal',
      pos_code: 11,
      referral_source: '',
      external_id: '',
    },
  },
  vital: {
    required: { bps: '120', bpd: '80', pulse: '72' },
    optional: {
      weight: '150',
      height: '66',
      temperature: '98.6',
      temp_method: 'Oral',
      respiration: '16',
      oxygen_saturation: '98',
      waist_circ: '',
      head_circ: '',
      note: '',
    },
  },
  soap_note: {
    required: { subjective: 'Cough for three days', objective: 'Lungs clear', assessment: 'Viral URI', plan: 'Fluids, rest' },
    optional: {},
  },
  allergy: { required: { title: 'Penicillin', begdate: TODAY }, optional: { ...ISSUE_OPTIONAL, severity_al: 'mild' } },
  medical_problem: {
    required: { title: 'Hypertension', begdate: TODAY },
    optional: { ...ISSUE_OPTIONAL, diagnosis: 'ICD10:I10' },
  },
  medication: { required: { title: 'Lisinopril 10 mg', begdate: TODAY }, optional: ISSUE_OPTIONAL },
  surgery: { required: { title: 'Appendectomy', begdate: TODAY }, optional: ISSUE_OPTIONAL },
  dental_issue: { required: { title: 'Cavity, tooth 14', begdate: TODAY }, optional: ISSUE_OPTIONAL },
  appointment: {
    required: {
      pc_catid: '5',
      pc_title: 'Office Visit',
      pc_duration: '900',
      pc_hometext: '',
      pc_apptstatus: '-',
      pc_eventDate: '2026-02-02',
      pc_startTime: '09:00',
      pc_facility: '3',
      pc_billing_location: '3',
    },
    optional: { pc_aid: '' },
  },
  insurance: {
    required: { type: 'primary', provider: '1', policy_number: 'A123456789', date: '2026-01-01' },
    optional: {
      plan_name: 'Gold PPO',
      group_number: 'G-100',
      subscriber_fname: 'Jane',
      subscriber_lname: 'Doe',
      subscriber_relationship: 'self',
      subscriber_DOB: '1980-04-02',
      subscriber_sex: 'Female',
      subscriber_street: '123 Main St',
      subscriber_city: 'Boston',
      subscriber_state: 'MA',
      subscriber_postal_code: '02139',
      subscriber_country: 'USA',
      copay: '20',
      accept_assignment: 'TRUE',
    },
  },
  message: {
    required: {
      body: 'Please call the patient back.',
      groupname: 'Default',
      from: 'admin',
      to: 'admin',
      title: 'Other',
      message_status: 'New',
    },
    optional: {},
  },
  transaction: { required: { title: 'LBTref', body: 'Referral to cardiology' }, optional: { refer_to: '', refer_diag: '' } },
  facility: {
    required: { name: 'Northside Clinic', facility_npi: '1234567893' },
    optional: {
      phone: '617-555-0199',
      fax: '',
      street: '1 Clinic Way',
      city: 'Boston',
      state: 'MA',
      postal_code: '02139',
      country_code: 'US',
      email: '',
      federal_ein: '',
    },
  },
  practitioner: {
    required: { fname: 'Alex', lname: 'Rivera', npi: '1234567893' },
    optional: { title: 'Dr.', mname: '', facility_id: 3, specialty: 'Family Medicine', email: '', federaltaxid: '' },
  },
  insurance_company: {
    required: { name: 'Acme Health' },
    optional: {
      attn: '',
      cms_id: '',
      ins_type_code: 2,
      x12_receiver_id: '',
      line1: '',
      city: '',
      state: '',
      zip: '',
      country: 'USA',
    },
  },
  prescription: {
    required: { pid: 1, drug: 'Amoxicillin 500 mg' },
    optional: { dosage: '1', quantity: '30', route: 'PO', interval: 'BID', refills: 0, note: '' },
  },
  Patient: {
    required: {
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Doe', given: ['Jane'] }],
      birthDate: '1980-04-02',
      gender: 'female',
    },
    optional: {
      telecom: [{ system: 'phone', value: '617-555-0100', use: 'home' }],
      address: [{ line: ['123 Main St'], city: 'Boston', state: 'MA', postalCode: '02139', country: 'US' }],
    },
  },
  Practitioner: {
    required: { resourceType: 'Practitioner', name: [{ use: 'official', family: 'Rivera', given: ['Alex'] }] },
    optional: { identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }], active: true },
  },
  Organization: {
    required: { resourceType: 'Organization', name: 'Northside Clinic' },
    optional: {
      address: [{ line: ['1 Clinic Way'], city: 'Boston', state: 'MA', postalCode: '02139', country: 'US' }],
      telecom: [{ system: 'phone', value: '617-555-0199' }],
    },
  },
};

/** The template of a write route's record kind, or undefined when the catalog has none for it. */
export function templateFor(route: ResourceRoute): RecordTemplate | undefined {
  return TEMPLATES[route.resource];
}

/** The first document of a new record: the required fields with their example values. */
export function newRecordDocument(route: ResourceRoute): JsonObject {
  return structuredClone(templateFor(route)?.required ?? {});
}

function typeOf(value: unknown): string | string[] {
  if (value === null) return ['string', 'number', 'null'];
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'object';
  // OpenEMR's standard API accepts numbers as strings and strings of digits as numbers.
  return typeof value === 'boolean' ? ['boolean', 'number', 'string'] : ['string', 'number'];
}

/**
 * The JSON schema of a document for `route`. POST documents must hold the required fields; a PUT's
 * fields are the template's plus the ones the record has. Standard records flag unknown field names.
 */
export function schemaFor(route: ResourceRoute, record: JsonObject = {}): JsonObject {
  const template = templateFor(route) ?? { required: {}, optional: {} };
  const fields: JsonObject = { ...template.optional, ...template.required, ...record };
  const properties: JsonObject = { $schema: { type: 'string' } };
  for (const [name, example] of Object.entries(fields)) {
    properties[name] = { type: typeOf(example), examples: [example], description: `${route.label.replace(/:.*$/, '')}: ${name}` };
  }
  const isFhir = route.api === 'fhir';
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${route.method} ${route.path}`,
    type: 'object',
    properties,
    required: route.method === 'POST' ? Object.keys(template.required) : isFhir ? ['resourceType', 'id'] : [],
    additionalProperties: isFhir,
  };
}
