/**
 * The route catalog as the request runner offers it: which routes a server's APIs have, whether the token's
 * scopes cover each, the query parameters worth offering, and a body template for writes.
 */
import { ROUTES, type ResourceRoute, type RouteApi } from '../catalog/resources';
import { scopeCovers } from '../catalog/scopes';

/** The API names of a server profile (`api` is the standard REST API). */
export type ProfileApi = 'api' | 'fhir' | 'portal';

const API_OF: Record<ProfileApi, RouteApi> = { api: 'standard', fhir: 'fhir', portal: 'portal' };

export interface RouteChoice {
  route: ResourceRoute;
  /** True when the route needs no scope or the token's scopes cover it. */
  allowed: boolean;
  /** The scope the token lacks (v2 form), when it lacks one. */
  missingScope?: string;
}

export function routeAllowed(route: ResourceRoute, granted: readonly string[] | undefined): boolean {
  if (!route.scope) return true;
  if (!granted) return false;
  return scopeCovers(granted, route.scope) || (route.scopeV1 !== undefined && scopeCovers(granted, route.scopeV1));
}

/** Every route of the server's APIs, each with what the token allows. */
export function routeChoices(apis: readonly ProfileApi[] | undefined, granted: readonly string[] | undefined): RouteChoice[] {
  const wanted = new Set((apis?.length ? apis : (['api', 'fhir', 'portal'] as const)).map((a) => API_OF[a]));
  return ROUTES.filter((r) => wanted.has(r.api)).map((route) => {
    const allowed = routeAllowed(route, granted);
    return { route, allowed, missingScope: allowed ? undefined : route.scope };
  });
}

/** One line for a quick pick: what the route does and the scope it needs. */
export function describeChoice(choice: RouteChoice): string {
  const { route } = choice;
  const since = route.since ? ` · OpenEMR ${route.since}` : '';
  if (!route.scope) return `${route.label} · no scope needed${since}`;
  return choice.allowed
    ? `${route.label} · ${route.scope} ✓${since}`
    : `${route.label} · missing scope ${choice.missingScope}${since}`;
}

const FHIR_SEARCH = ['_id', '_count', '_lastUpdated', '_sort', '_revinclude'];
const FHIR_PATIENT_SEARCH = ['patient', ...FHIR_SEARCH];
const STANDARD_LIST = ['_limit', '_offset', '_sort'];
const EXTRA: Record<string, string[]> = {
  'GET /api/patient': ['fname', 'lname', 'DOB', 'sex', 'city', 'postal_code', 'email', ...STANDARD_LIST],
  'GET /fhir/Patient': ['name', 'family', 'given', 'birthdate', 'gender', 'identifier', ...FHIR_SEARCH],
  'GET /fhir/Observation': ['patient', 'category', 'code', 'date', ...FHIR_SEARCH],
  'GET /fhir/Encounter': ['patient', 'date', ...FHIR_SEARCH],
  'GET /fhir/Condition': ['patient', 'category', 'clinical-status', ...FHIR_SEARCH],
};

/** The query parameters a route knows (required ones first). */
export function queryParamsOf(route: ResourceRoute): string[] {
  const known =
    EXTRA[route.id] ??
    (route.method !== 'GET' || !route.collection ? [] : route.api === 'fhir' ? FHIR_PATIENT_SEARCH : STANDARD_LIST);
  return [...new Set([...(route.query ?? []), ...known])];
}

const ISSUE = { title: 'Hypertension', begdate: '2024-01-15', diagnosis: 'ICD10:I10' };
/** Required fields and example values OpenEMR accepts, by route resource (standard API) or FHIR type. */
const TEMPLATES: Record<string, unknown> = {
  patient: {
    fname: 'Jane',
    lname: 'Doe',
    DOB: '1980-04-02',
    sex: 'Female',
    street: '1 Main St',
    city: 'Boston',
    state: 'MA',
    postal_code: '02134',
  },
  encounter: {
    date: '2024-05-01',
    onset_date: '2024-05-01',
    reason: 'Annual check-up',
    pc_catid: '5',
    class_code: 'AMB',
    facility_id: 3,
    billing_facility: 3,
    sensitivity: 'normal',
  },
  vital: { bps: '120', bpd: '80', height: '170', weight: '70', temperature: '98.6', pulse: '72', respiration: '16', note: '' },
  soap_note: { subjective: 'Feels well', objective: 'No distress', assessment: 'Healthy', plan: 'Return in one year' },
  medical_problem: ISSUE,
  allergy: { title: 'Penicillin', begdate: '2024-01-15', reaction: 'hives', severity_al: 'mild' },
  medication: { title: 'Lisinopril 10 mg', begdate: '2024-01-15' },
  surgery: { title: 'Appendectomy', begdate: '2010-06-01' },
  dental_issue: { title: 'Cavity', begdate: '2024-01-15' },
  appointment: {
    pc_catid: '5',
    pc_title: 'Office Visit',
    pc_duration: '900',
    pc_hometext: '',
    pc_apptstatus: '-',
    pc_eventDate: '2024-06-01',
    pc_startTime: '09:00',
    pc_facility: '3',
    pc_billing_location: '3',
  },
  insurance: {
    type: 'primary',
    provider: '1',
    policy_number: 'A123456',
    plan_name: 'Standard',
    subscriber_fname: 'Jane',
    subscriber_lname: 'Doe',
    subscriber_relationship: 'self',
    subscriber_DOB: '1980-04-02',
    date: '2024-01-01',
  },
  insurance_company: { name: 'Acme Health', cms_id: '', ins_type_code: '1' },
  message: {
    body: 'Please call the clinic.',
    groupname: 'Default',
    from: 'admin',
    to: 'admin',
    title: 'Patient Reminders',
    message_status: 'New',
  },
  transaction: { title: 'LBTref', body: 'Referral to cardiology' },
  facility: { name: 'Main Clinic', facility_npi: '1234567893', phone: '555-0100', city: 'Boston', state: 'MA' },
  practitioner: { fname: 'John', lname: 'Smith', npi: '1234567893', title: 'Dr.', specialty: 'Family Medicine' },
  prescription: { pid: 1, drug: 'Lisinopril', dosage: '10 mg', quantity: '30' },
  Patient: { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane'] }], gender: 'female', birthDate: '1980-04-02' },
  Practitioner: {
    resourceType: 'Practitioner',
    name: [{ family: 'Smith', given: ['John'] }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }],
  },
  Organization: { resourceType: 'Organization', name: 'Main Clinic', active: true },
};

/** A body to start from for a write route; `{}` when the catalog knows no fields for it. */
export function bodyTemplate(route: ResourceRoute): unknown {
  const template = TEMPLATES[route.resource];
  return template === undefined ? {} : structuredClone(template);
}
