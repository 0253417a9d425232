/**
 * Every route of the standard API, the portal API (facts §5) and FHIR (§7), with its method, path template,
 * path-parameter kinds and required scope. The explorer builds its tree from PATIENT_GROUPS and TOP_LEVEL_COLLECTIONS.
 */
import type { HttpMethod } from '../http/client';
import { FHIR_V1_READ_RESOURCES, FHIR_V1_WRITE_RESOURCES, type ScopeContext } from './scopes';

export type RouteApi = 'standard' | 'fhir' | 'portal';
/** uuid: a UUID string; id: a numeric database id; name: a free name (list name, service name); fhir-id: a FHIR logical id. */
export type ParamKind = 'uuid' | 'id' | 'name' | 'fhir-id';

export interface RouteParam {
  name: string;
  kind: ParamKind;
}

export interface ResourceRoute {
  /** Stable id, e.g. `GET /api/patient/:puuid/encounter`. */
  id: string;
  api: RouteApi;
  method: HttpMethod;
  /** Relative to `/apis/{site}`, e.g. `/api/patient/:puuid/encounter`. */
  path: string;
  params: RouteParam[];
  /** Scope resource name (`patient`, `Patient`). */
  resource: string;
  /** True for collection reads (search), false for instance routes and writes. */
  collection: boolean;
  /** Required scope in SMART v2 form (`user/patient.s`); undefined when no token is needed or it is not known. */
  scope?: string;
  /** The v1 scope that also satisfies it (`user/patient.read`). */
  scopeV1?: string;
  /** Needs no token at all. */
  public?: boolean;
  /** Needs no token on 8.x, but a token (no scope) on 7.0.3. */
  publicSince?: '8.x';
  /** The scope is checked only from 8.x on; 7.0.3 checks none. */
  scopeSince?: '8.x';
  /** Only on M-2509 / 8.x. */
  since?: '8.x';
  /** Required query parameters. */
  query?: string[];
  /** Human label. */
  label: string;
}

const UUID_PARAMS = new Set(['puuid', 'euuid', 'muuid', 'auuid', 'fuuid', 'pruuid', 'uuid', 'insuranceUuid']);
const ID_PARAMS = new Set(['pid', 'eid', 'vid', 'sid', 'mid', 'did', 'iid', 'tid']);

export function paramKind(name: string, api: RouteApi): ParamKind {
  if (api === 'fhir') return 'fhir-id';
  if (UUID_PARAMS.has(name)) return 'uuid';
  if (ID_PARAMS.has(name)) return 'id';
  return 'name';
}

export function pathParams(path: string, api: RouteApi): RouteParam[] {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1]!, kind: paramKind(m[1]!, api) }));
}

/** The permission letter OpenEMR checks (8.x): GET instance r, GET collection s, POST c, PUT/PATCH u, DELETE d. */
export function permissionLetter(method: HttpMethod, collection: boolean): 'c' | 'r' | 'u' | 'd' | 's' {
  switch (method) {
    case 'POST':
      return 'c';
    case 'PUT':
    case 'PATCH':
      return 'u';
    case 'DELETE':
      return 'd';
    default:
      return collection ? 's' : 'r';
  }
}

interface RouteSpec {
  method: HttpMethod;
  path: string;
  resource: string;
  label: string;
  collection?: boolean;
  since?: '8.x';
  /** Overrides the computed scope (operations) or `null` for routes that check no scope. */
  scope?: string | null;
  /** With `scope: null`: no token at all on every line, or only from 8.x on (7.0.3 wants a token). Default: always. */
  open?: 'always' | '8.x';
  /** The computed scope is checked only from 8.x on; 7.0.3 wants a token but checks no scope. */
  scopeSince?: '8.x';
  query?: string[];
}

function contextFor(api: RouteApi): ScopeContext {
  return api === 'portal' ? 'patient' : 'user';
}

function makeRoute(spec: RouteSpec): ResourceRoute {
  const api: RouteApi = spec.path.startsWith('/fhir') ? 'fhir' : spec.path.startsWith('/portal') ? 'portal' : 'standard';
  const collection = spec.collection ?? (spec.method === 'GET' && !/:[A-Za-z_]+$/.test(spec.path));
  const letter = permissionLetter(spec.method, collection);
  const context = contextFor(api);
  const computed = `${context}/${spec.resource}.${letter}`;
  const scope = spec.scope === null ? undefined : (spec.scope ?? computed);
  const scopeV1 =
    spec.scope === undefined ? `${context}/${spec.resource}.${'rs'.includes(letter) ? 'read' : 'write'}` : undefined;
  return {
    id: `${spec.method} ${spec.path}`,
    api,
    method: spec.method,
    path: spec.path,
    params: pathParams(spec.path, api),
    resource: spec.resource,
    collection,
    scope,
    scopeV1,
    public: spec.scope === null && spec.open !== '8.x' ? true : undefined,
    publicSince: spec.scope === null && spec.open === '8.x' ? '8.x' : undefined,
    scopeSince: spec.scopeSince,
    since: spec.since,
    query: spec.query,
    label: spec.label,
  };
}

type Crud = 'list' | 'create' | 'read' | 'update' | 'delete';

/** Expands a collection path plus an item parameter into the usual REST routes. */
function rest(resource: string, label: string, base: string, item: string | undefined, ops: Crud[], since?: '8.x'): RouteSpec[] {
  const itemPath = item ? `${base}/:${item}` : base;
  const specs: Record<Crud, RouteSpec> = {
    list: { method: 'GET', path: base, resource, label: `${label}: list` },
    create: { method: 'POST', path: base, resource, label: `${label}: create` },
    read: { method: 'GET', path: itemPath, resource, label: `${label}: read` },
    update: { method: 'PUT', path: itemPath, resource, label: `${label}: update` },
    delete: { method: 'DELETE', path: itemPath, resource, label: `${label}: delete` },
  };
  return ops.map((op) => ({ ...specs[op], since }));
}

const P_UUID = '/api/patient/:puuid';
const P_ID = '/api/patient/:pid';
const ENC_ID = `${P_ID}/encounter/:eid`;

const STANDARD_SPECS: RouteSpec[] = [
  ...rest('patient', 'Patients', '/api/patient', 'puuid', ['list', 'create', 'read', 'update']),
  ...rest('encounter', 'Encounters', `${P_UUID}/encounter`, 'euuid', ['list', 'create', 'read', 'update']),
  ...rest('vital', 'Vitals', `${ENC_ID}/vital`, 'vid', ['list', 'create', 'read', 'update']),
  ...rest('soap_note', 'SOAP notes', `${ENC_ID}/soap_note`, 'sid', ['list', 'create', 'read', 'update']),
  ...rest('medical_problem', 'Medical problems', '/api/medical_problem', 'muuid', ['list', 'read']),
  ...rest('medical_problem', 'Medical problems', `${P_UUID}/medical_problem`, 'muuid', [
    'list',
    'create',
    'read',
    'update',
    'delete',
  ]),
  ...rest('allergy', 'Allergies', '/api/allergy', 'auuid', ['list', 'read']),
  ...rest('allergy', 'Allergies', `${P_UUID}/allergy`, 'auuid', ['list', 'create', 'read', 'update', 'delete']),
  ...rest('medication', 'Medications', `${P_ID}/medication`, 'mid', ['list', 'create', 'read', 'update', 'delete']),
  ...rest('surgery', 'Surgeries', `${P_ID}/surgery`, 'sid', ['list', 'create', 'read', 'update', 'delete']),
  ...rest('dental_issue', 'Dental issues', `${P_ID}/dental_issue`, 'did', ['list', 'create', 'read', 'update', 'delete']),
  ...rest('appointment', 'Appointments', '/api/appointment', 'eid', ['list', 'read']),
  ...rest('appointment', 'Appointments', `${P_ID}/appointment`, 'eid', ['list', 'create', 'read', 'delete']),
  { method: 'GET', path: `${P_ID}/document`, resource: 'document', label: 'Documents: list', query: ['path'] },
  { method: 'POST', path: `${P_ID}/document`, resource: 'document', label: 'Documents: upload', query: ['path'] },
  { method: 'GET', path: `${P_ID}/document/:did`, resource: 'document', label: 'Documents: download' },
  ...rest('insurance', 'Insurances', `${P_UUID}/insurance`, 'uuid', ['list', 'create', 'read']),
  { method: 'PUT', path: `${P_UUID}/insurance/:insuranceUuid`, resource: 'insurance', label: 'Insurances: update' },
  {
    method: 'GET',
    path: `${P_UUID}/insurance/$swap-insurance`,
    resource: 'insurance',
    label: 'Insurances: swap',
    collection: false,
    scope: 'user/insurance.$swap-insurance',
  },
  ...rest('insurance_company', 'Insurance companies', '/api/insurance_company', 'iid', ['list', 'create', 'read', 'update']),
  ...rest('insurance_type', 'Insurance types', '/api/insurance_type', undefined, ['list']),
  { method: 'GET', path: `${P_UUID}/employer`, resource: 'employer', label: 'Employer', collection: true },
  { method: 'POST', path: `${P_ID}/message`, resource: 'message', label: 'Messages: create' },
  { method: 'PUT', path: `${P_ID}/message/:mid`, resource: 'message', label: 'Messages: update' },
  { method: 'DELETE', path: `${P_ID}/message/:mid`, resource: 'message', label: 'Messages: delete' },
  ...rest('transaction', 'Transactions', `${P_ID}/transaction`, undefined, ['list', 'create']),
  { method: 'PUT', path: '/api/transaction/:tid', resource: 'transaction', label: 'Transactions: update' },
  ...rest('facility', 'Facilities', '/api/facility', 'fuuid', ['list', 'create', 'read', 'update']),
  ...rest('practitioner', 'Practitioners', '/api/practitioner', 'pruuid', ['list', 'create', 'read', 'update']),
  { method: 'GET', path: '/api/list/:list_name', resource: 'list', label: 'Lists: read', collection: false },
  ...rest('user', 'Users', '/api/user', 'uuid', ['list', 'read']),
  // 7.0.3 wants a token but checks no scope; 8.x needs no token (SkipAuthorizationStrategy).
  { method: 'GET', path: '/api/version', resource: 'version', label: 'Version', collection: true, scope: null, open: '8.x' },
  { method: 'GET', path: '/api/product', resource: 'product', label: 'Product', collection: true, scope: null, open: '8.x' },
  ...rest('immunization', 'Immunizations', '/api/immunization', 'uuid', ['list', 'read']),
  ...rest('procedure', 'Procedures', '/api/procedure', 'uuid', ['list', 'read']),
  ...rest('drug', 'Drugs', '/api/drug', 'uuid', ['list', 'read']),
  ...rest('prescription', 'Prescriptions', '/api/prescription', 'uuid', ['list', 'read']),
  ...rest('prescription', 'Prescriptions', '/api/prescription', 'uuid', ['create', 'delete'], '8.x'),
  ...rest('background_service', 'Background services', '/api/background_service', 'name', ['list', 'read'], '8.x'),
  {
    method: 'POST',
    path: '/api/background_service/$run',
    resource: 'background_service',
    label: 'Background services: run due',
    since: '8.x',
    scope: 'user/background_service.$run',
  },
  {
    method: 'POST',
    path: '/api/background_service/:name/run',
    resource: 'background_service',
    label: 'Background services: run one',
    since: '8.x',
    // OpenEMR takes the scope resource from the path's last segment: `run`.
    scope: 'user/run.c',
  },
];

const PORTAL_SPECS: RouteSpec[] = [
  { method: 'GET', path: '/portal/patient', resource: 'patient', label: 'Portal: my record', collection: true },
  ...rest('encounter', 'Portal: my encounters', '/portal/patient/encounter', 'euuid', ['list', 'read']),
  ...rest('appointment', 'Portal: my appointments', '/portal/patient/appointment', 'auuid', ['list', 'read']),
];

/** FHIR resources with search and read routes (the v1 and v2 scope lists). */
export const FHIR_RESOURCES = [
  'AllergyIntolerance',
  'Appointment',
  'CarePlan',
  'CareTeam',
  'Condition',
  'Coverage',
  'Device',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'Goal',
  'Group',
  'Immunization',
  'Location',
  'Media',
  'Medication',
  'MedicationDispense',
  'MedicationRequest',
  'Observation',
  'Organization',
  'Patient',
  'Person',
  'Practitioner',
  'PractitionerRole',
  'Procedure',
  'Provenance',
  'Questionnaire',
  'QuestionnaireResponse',
  'RelatedPerson',
  'ServiceRequest',
  'Specimen',
  'ValueSet',
] as const;
export type FhirResourceName = (typeof FHIR_RESOURCES)[number];
/** OpenEMR registers no read route for these (8.x's Questionnaire is searched only). */
const FHIR_SEARCH_ONLY = new Set<string>(['Questionnaire']);
/** Resources with only SMART v2 scopes, which 7.0.3 does not have: usable from M-2509 / 8.x on. */
const FHIR_8X_ONLY = new Set<string>(FHIR_RESOURCES.filter((r) => !(FHIR_V1_READ_RESOURCES as readonly string[]).includes(r)));

const FHIR_SPECS: RouteSpec[] = [
  {
    method: 'GET',
    path: '/fhir/metadata',
    resource: 'CapabilityStatement',
    label: 'Capability statement',
    scope: null,
    collection: false,
  },
  {
    method: 'GET',
    path: '/fhir/.well-known/smart-configuration',
    resource: 'smart-configuration',
    label: 'SMART configuration',
    scope: null,
    collection: false,
  },
  {
    method: 'GET',
    path: '/fhir/OperationDefinition',
    resource: 'OperationDefinition',
    label: 'OperationDefinition: list',
    scope: null,
  },
  // 7.0.3 checks no scope here; 8.x checks OperationDefinition.r.
  { ...rest('OperationDefinition', 'OperationDefinition', '/fhir/OperationDefinition', 'id', ['read'])[0]!, scopeSince: '8.x' },
  ...FHIR_RESOURCES.flatMap((r) =>
    rest(
      r,
      r,
      `/fhir/${r}`,
      'id',
      FHIR_SEARCH_ONLY.has(r) ? ['list'] : ['list', 'read'],
      FHIR_8X_ONLY.has(r) ? '8.x' : undefined,
    ),
  ),
  ...FHIR_V1_WRITE_RESOURCES.flatMap((r) => rest(r, r, `/fhir/${r}`, 'id', ['create', 'update'])),
  { method: 'GET', path: '/fhir/Binary/:id', resource: 'Binary', label: 'Binary: read' },
  {
    method: 'POST',
    path: '/fhir/DocumentReference/$docref',
    resource: 'DocumentReference',
    label: 'DocumentReference: generate CCD',
    scope: 'user/DocumentReference.$docref',
  },
  {
    method: 'GET',
    path: '/fhir/$export',
    resource: '*',
    label: 'Bulk export: system',
    scope: 'system/*.$export',
    collection: false,
  },
  {
    method: 'GET',
    path: '/fhir/Patient/$export',
    resource: 'Patient',
    label: 'Bulk export: patients',
    scope: 'system/Patient.$export',
    collection: false,
  },
  {
    method: 'GET',
    path: '/fhir/Group/:id/$export',
    resource: 'Group',
    label: 'Bulk export: group',
    scope: 'system/Group.$export',
    collection: false,
  },
  {
    method: 'GET',
    path: '/fhir/$bulkdata-status',
    resource: '*',
    label: 'Bulk export: status',
    scope: 'system/*.$bulkdata-status',
    collection: false,
  },
  {
    method: 'DELETE',
    path: '/fhir/$bulkdata-status',
    resource: '*',
    label: 'Bulk export: cancel',
    scope: 'system/*.$bulkdata-status',
  },
];

export const ROUTES: readonly ResourceRoute[] = [...STANDARD_SPECS, ...PORTAL_SPECS, ...FHIR_SPECS].map(makeRoute);

/** What a route needs on one server line: no token, a token without a scope check, or a scope. */
export type RouteRequirement = { kind: 'open' } | { kind: 'token' } | { kind: 'scope'; scope: string };

export function routeRequirement(route: ResourceRoute, flavor: 7 | 8): RouteRequirement {
  if (route.public || (route.publicSince && flavor === 8)) return { kind: 'open' };
  if (route.scopeSince && flavor === 7) return { kind: 'token' };
  const scope = flavor === 7 ? (route.scopeV1 ?? route.scope) : route.scope;
  return scope ? { kind: 'scope', scope } : { kind: 'token' };
}

export function findRoute(id: string): ResourceRoute | undefined {
  return ROUTES.find((r) => r.id === id);
}

function templateToRegExp(template: string): RegExp {
  const escaped = template
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

const ROUTE_MATCHERS = ROUTES.map((route) => ({ route, re: templateToRegExp(route.path) }));

/** The catalog route a concrete request matches (literal segments win over parameters). */
export function matchRoute(method: HttpMethod, path: string): ResourceRoute | undefined {
  const bare = path.split('?')[0]!.replace(/^\/apis\/[^/]+/, '');
  const candidates = ROUTE_MATCHERS.filter((m) => m.route.method === method && m.re.test(bare)).map((m) => m.route);
  return candidates.sort((a, b) => a.params.length - b.params.length)[0];
}

/** Fills a path template; every value is URI-encoded, and a missing value is an error. */
export function fillPath(template: string, values: Record<string, string | number>): string {
  return template.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new TypeError(`Missing path parameter :${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** What the tree needs to list one kind of record under a patient. */
export interface PatientResourceGroup {
  id: string;
  label: string;
  api: 'standard' | 'fhir';
  /** The list route. */
  route: ResourceRoute;
  /** How the patient is named: by path `:puuid` / `:pid`, or by the FHIR search parameter `patient`. */
  patientKey: 'puuid' | 'pid' | 'patient';
  since?: '8.x';
}

function standardGroup(id: string, label: string, path: string): PatientResourceGroup {
  const route = findRoute(`GET ${path}`)!;
  return {
    id: `api:${id}`,
    label,
    api: 'standard',
    route,
    patientKey: path.includes(':puuid') ? 'puuid' : 'pid',
    since: route.since,
  };
}

/**
 * Where each of OpenEMR's 34 FHIR types shows in a tree: searched per patient (`patient=`), listed at server
 * level, the patients themselves, per-type Provenance of a patient's records, or Binary (no search route:
 * documents and export files are read by id). The core's PATIENT_GROUPS and the explorer both use it.
 */
export const FHIR_TYPE_PLACES = {
  AllergyIntolerance: 'patient',
  Appointment: 'patient',
  CarePlan: 'patient',
  CareTeam: 'patient',
  Condition: 'patient',
  Coverage: 'patient',
  Device: 'patient',
  DiagnosticReport: 'patient',
  DocumentReference: 'patient',
  Encounter: 'patient',
  Goal: 'patient',
  Immunization: 'patient',
  Media: 'patient',
  MedicationDispense: 'patient',
  MedicationRequest: 'patient',
  Observation: 'patient',
  Procedure: 'patient',
  QuestionnaireResponse: 'patient',
  RelatedPerson: 'patient',
  ServiceRequest: 'patient',
  Specimen: 'patient',
  Patient: 'patients',
  Practitioner: 'server',
  PractitionerRole: 'server',
  Organization: 'server',
  Location: 'server',
  Medication: 'server',
  Person: 'server',
  Group: 'server',
  ValueSet: 'server',
  Questionnaire: 'server',
  OperationDefinition: 'server',
  Provenance: 'provenance',
  Binary: 'binary',
} as const satisfies Record<FhirResourceName | 'Binary' | 'OperationDefinition', string>;
export type FhirTypeName = keyof typeof FHIR_TYPE_PLACES;
export type FhirTypePlace = (typeof FHIR_TYPE_PLACES)[FhirTypeName];

export function fhirTypesAt(place: FhirTypePlace): FhirTypeName[] {
  return (Object.keys(FHIR_TYPE_PLACES) as FhirTypeName[]).filter((t) => FHIR_TYPE_PLACES[t] === place);
}

/** FHIR types searched per patient (`GET /fhir/<Type>?patient=<uuid>`). */
export const FHIR_PATIENT_TYPES: readonly FhirTypeName[] = fhirTypesAt('patient');

/** Per-patient groups for the explorer: standard API first, then FHIR searches by patient. */
export const PATIENT_GROUPS: readonly PatientResourceGroup[] = [
  standardGroup('encounter', 'Encounters', `${P_UUID}/encounter`),
  standardGroup('medical_problem', 'Medical problems', `${P_UUID}/medical_problem`),
  standardGroup('allergy', 'Allergies', `${P_UUID}/allergy`),
  standardGroup('medication', 'Medications', `${P_ID}/medication`),
  standardGroup('surgery', 'Surgeries', `${P_ID}/surgery`),
  standardGroup('dental_issue', 'Dental issues', `${P_ID}/dental_issue`),
  standardGroup('appointment', 'Appointments', `${P_ID}/appointment`),
  standardGroup('insurance', 'Insurances', `${P_UUID}/insurance`),
  standardGroup('employer', 'Employer', `${P_UUID}/employer`),
  standardGroup('transaction', 'Transactions', `${P_ID}/transaction`),
  ...FHIR_PATIENT_TYPES.map((r): PatientResourceGroup => {
    const route = findRoute(`GET /fhir/${r}`)!;
    return { id: `fhir:${r}`, label: r, api: 'fhir', route, patientKey: 'patient', since: route.since };
  }),
];

/** Top-level collections for the explorer (not tied to a patient). */
export interface TopLevelCollection {
  id: string;
  label: string;
  api: 'standard' | 'fhir';
  route: ResourceRoute;
}

const TOP_STANDARD = [
  'patient',
  'practitioner',
  'facility',
  'medical_problem',
  'allergy',
  'appointment',
  'immunization',
  'procedure',
  'drug',
  'prescription',
  'insurance_company',
  'insurance_type',
  'user',
];
const TOP_FHIR = [...fhirTypesAt('patients'), ...fhirTypesAt('server')];

export const TOP_LEVEL_COLLECTIONS: readonly TopLevelCollection[] = [
  ...TOP_STANDARD.map((r): TopLevelCollection => {
    const route = findRoute(`GET /api/${r}`)!;
    return { id: `api:${r}`, label: route.label.replace(/: list$/, ''), api: 'standard', route };
  }),
  ...TOP_FHIR.map((r): TopLevelCollection => ({ id: `fhir:${r}`, label: r, api: 'fhir', route: findRoute(`GET /fhir/${r}`)! })),
];
