/**
 * What the explorer lists, built on the core's route catalog: the collections under a server, the groups
 * under a patient (standard API, portal for patient tokens, FHIR) and under an encounter. vscode-free.
 */
import { FHIR_PATIENT_TYPES, fhirTypesAt, fillPath, ROUTES, TOP_LEVEL_COLLECTIONS } from '../core';
import type { TokenRole } from './source';

export type GroupApi = 'standard' | 'fhir' | 'portal';

/** Decides the label format and the icon of a group's leaves. */
export type LeafKind =
  | 'encounter'
  | 'vital'
  | 'soap_note'
  | 'issue'
  | 'appointment'
  | 'insurance'
  | 'document'
  | 'employer'
  | 'transaction'
  | 'person'
  | 'facility'
  | 'company'
  | 'drug'
  | 'immunization'
  | 'prescription'
  | 'procedure'
  | 'option'
  | 'fhir';

/** One listable group of records. */
export interface GroupSpec {
  id: string;
  label: string;
  api: GroupApi;
  kind: LeafKind;
  /** Scope resource name: `encounter`, `Condition`. */
  resource: string;
  /** List path relative to /apis/{site}; may hold :puuid, :pid and :eid. */
  path: string;
  /** How a row's instance path is made: list path + `/uuid`, list path + `/id`, `/fhir/Type/id`, or none (the row is opened as is). */
  item: 'uuid' | 'id' | 'fhir' | 'none';
  /** Children are sub-groups (document categories) rather than records. */
  categories?: boolean;
  /** Children are these sub-groups rather than records (Provenance: one per target type). */
  subgroups?: readonly GroupSpec[];
  /** Rows are the Provenance of what the path finds (`_revinclude=Provenance:target`), not the matches themselves. */
  provenanceOfMatches?: boolean;
  /** OpenEMR has no list route for it: shown disabled with this reason. */
  unsupported?: string;
  /** The tooltip, when the list route alone would not explain what the group holds. */
  about?: string;
}

/** The ids filled into path templates: the patient's uuid and pid, the encounter's numeric id. */
export type PathContext = Partial<Record<'puuid' | 'pid' | 'eid', string>>;

export type Row = Record<string, unknown>;

function standard(
  id: string,
  label: string,
  path: string,
  kind: LeafKind,
  item: GroupSpec['item'],
  extra: Partial<GroupSpec> = {},
): GroupSpec {
  const resource = id.replace(/^.*:/, '');
  return { id: `api:${id}`, label, api: 'standard', kind, resource, path, item, ...extra };
}

function fhir(resource: string): GroupSpec {
  return {
    id: `fhir:${resource}`,
    label: resource,
    api: 'fhir',
    kind: 'fhir',
    resource,
    path: `/fhir/${resource}`,
    item: 'fhir',
  };
}

const P_UUID = '/api/patient/:puuid';
const P_ID = '/api/patient/:pid';

/** Standard-API groups under a patient (user tokens), in the order of the issue. */
export const PATIENT_STANDARD_GROUPS: readonly GroupSpec[] = [
  standard('encounter', 'Encounters', `${P_UUID}/encounter`, 'encounter', 'uuid'),
  standard('allergy', 'Allergies', `${P_UUID}/allergy`, 'issue', 'uuid'),
  standard('medical_problem', 'Medical Problems', `${P_UUID}/medical_problem`, 'issue', 'uuid'),
  standard('medication', 'Medications', `${P_ID}/medication`, 'issue', 'id'),
  standard('surgery', 'Surgeries', `${P_ID}/surgery`, 'issue', 'id'),
  standard('dental_issue', 'Dental Issues', `${P_ID}/dental_issue`, 'issue', 'id'),
  standard('appointment', 'Appointments', `${P_ID}/appointment`, 'appointment', 'id'),
  standard('insurance', 'Insurance', `${P_UUID}/insurance`, 'insurance', 'uuid'),
  standard('document', 'Documents', `${P_ID}/document`, 'document', 'id', { categories: true }),
  standard('employer', 'Employer', `${P_UUID}/employer`, 'employer', 'none'),
  standard('message', 'Messages', `${P_ID}/message`, 'transaction', 'id', {
    unsupported: "OpenEMR's standard API can create, update and delete messages but has no route that lists them.",
  }),
  standard('transaction', 'Transactions', `${P_ID}/transaction`, 'transaction', 'none'),
];

/** Portal groups under the patient's own record (patient tokens cannot call /api). */
export const PATIENT_PORTAL_GROUPS: readonly GroupSpec[] = [
  {
    id: 'portal:encounter',
    label: 'Encounters',
    api: 'portal',
    kind: 'encounter',
    resource: 'encounter',
    path: '/portal/patient/encounter',
    item: 'uuid',
  },
  {
    id: 'portal:appointment',
    label: 'Appointments',
    api: 'portal',
    kind: 'appointment',
    resource: 'appointment',
    path: '/portal/patient/appointment',
    item: 'uuid',
  },
];

/** The Provenance of a patient's resources of one type, gated by that type's read scope. */
function provenanceOf(resource: string): GroupSpec {
  const by = resource === 'Patient' ? '_id' : 'patient';
  return {
    ...fhir(resource),
    id: `fhir:Provenance:${resource}`,
    provenanceOfMatches: true,
    about: `Provenance of this patient's ${resource} records: GET /fhir/${resource}?${by}=…&_revinclude=Provenance:target`,
  };
}

/**
 * OpenEMR searches Provenance by `_id` only: it ignores `patient=` and would list the provenance of every
 * record on the server. So a patient's provenance is read per type, through `_revinclude=Provenance:target`.
 */
export const PATIENT_PROVENANCE_GROUP: GroupSpec = {
  ...fhir('Provenance'),
  about:
    "OpenEMR searches Provenance by _id only (a patient= search would list every patient's provenance), so it is read per resource type through _revinclude=Provenance:target.",
  subgroups: ['Patient', ...FHIR_PATIENT_TYPES].map(provenanceOf),
};

/** FHIR searches by patient: the core's one list of patient-compartment types, then Provenance. */
export const PATIENT_FHIR_GROUPS: readonly GroupSpec[] = [...FHIR_PATIENT_TYPES.map(fhir), PATIENT_PROVENANCE_GROUP];

/** Under one encounter (numeric ids: :pid and :eid). */
export const ENCOUNTER_GROUPS: readonly GroupSpec[] = [
  standard('vital', 'Vitals', `${P_ID}/encounter/:eid/vital`, 'vital', 'id'),
  standard('soap_note', 'SOAP Notes', `${P_ID}/encounter/:eid/soap_note`, 'soap_note', 'id'),
];

/** Document categories of a stock OpenEMR install (the list route needs one as `?path=`). */
export const DEFAULT_DOCUMENT_CATEGORIES = ['Lab Report', 'Medical Record', 'Patient Information', 'Advance Directive'];

/** Option lists every OpenEMR has, listed under "Lists". */
export const KNOWN_LISTS = ['sex', 'race', 'ethnicity', 'marital', 'language', 'medical_problem_issue_list'];

const COLLECTION_KINDS: ReadonlyArray<[resource: string, label: string, kind: LeafKind]> = [
  ['practitioner', 'Practitioners', 'person'],
  ['facility', 'Facilities', 'facility'],
  ['appointment', 'Appointments', 'appointment'],
  ['insurance_company', 'Insurance Companies', 'company'],
  ['drug', 'Drugs', 'drug'],
  ['immunization', 'Immunizations', 'immunization'],
  ['prescription', 'Prescriptions', 'prescription'],
  ['procedure', 'Procedures', 'procedure'],
  ['medical_problem', 'Medical Problems', 'issue'],
  ['allergy', 'Allergies', 'issue'],
  ['user', 'Users', 'person'],
];

/** Whether the catalog's instance route under a list path takes a uuid or a numeric id (none: no instance route). */
function itemKeyOf(listPath: string): GroupSpec['item'] {
  const depth = listPath.split('/').length + 1;
  const instance = ROUTES.find(
    (r) => r.method === 'GET' && r.path.startsWith(`${listPath}/:`) && r.path.split('/').length === depth,
  );
  if (!instance) return 'none';
  return instance.params.at(-1)?.kind === 'id' ? 'id' : 'uuid';
}

/** Top-level standard collections (user tokens), from the core's catalog. */
export const SERVER_COLLECTIONS: readonly GroupSpec[] = COLLECTION_KINDS.map(([resource, label, kind]) => {
  const path = `/api/${resource}`;
  return standard(resource, label, path, kind, itemKeyOf(path));
});

/** The list route of one option list. */
export function optionListGroup(name: string): GroupSpec {
  return standard(`list:${name}`, name, fillPath('/api/list/:list_name', { list_name: name }), 'option', 'none', {
    resource: 'list',
  });
}

/** FHIR collections not tied to a patient, shown in the server's "FHIR" folder. */
export const SERVER_FHIR_COLLECTIONS: readonly GroupSpec[] = [
  ...TOP_LEVEL_COLLECTIONS.filter((c) => c.api === 'fhir' && c.route.resource !== 'Patient').map((c) => fhir(c.route.resource)),
  ...fhirTypesAt('binary').map((type): GroupSpec => ({
    ...fhir(type),
    unsupported:
      "OpenEMR has no Binary search: a Binary is read by id, from a DocumentReference's attachment or a bulk export manifest.",
  })),
];

/** The groups under a patient for a token role: user tokens get the standard API, patient tokens the portal. */
export function patientSections(role: TokenRole): Array<{ id: string; label: string; groups: readonly GroupSpec[] }> {
  const first =
    role === 'patient'
      ? { id: 'portal', label: 'Portal API', groups: PATIENT_PORTAL_GROUPS }
      : { id: 'standard', label: 'Standard API', groups: PATIENT_STANDARD_GROUPS };
  return role === 'system'
    ? [{ id: 'fhir', label: 'FHIR', groups: PATIENT_FHIR_GROUPS }]
    : [first, { id: 'fhir', label: 'FHIR', groups: PATIENT_FHIR_GROUPS }];
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The id shown by "Copy ID": a uuid where the record has one, else its numeric id. */
export function recordId(row: Row): string {
  return text(row.uuid) || text(row.pc_uuid) || text(row.id) || text(row.pc_eid) || text(row.option_id);
}

/** The numeric id OpenEMR's :eid routes take for an encounter (8.x lists carry `eid`; older ones `encounter` or `id`). */
export function encounterNumber(row: Row): string {
  return text(row.eid) || text(row.encounter) || text(row.id);
}

/** The path (relative to /apis/{site}) that reads one row, or undefined when OpenEMR has no instance route for it. */
export function itemPath(spec: GroupSpec, row: Row, ctx: PathContext): string | undefined {
  if (spec.item === 'none') return undefined;
  if (spec.item === 'fhir') {
    // A FHIR POST answers the insert result (`{uuid, pid}` or `{uuid, id}` with a database id): its uuid is the FHIR id.
    const id = row.resourceType ? text(row.id) : text(row.uuid) || text(row.id);
    const type = text(row.resourceType) || spec.resource;
    // ':' is legal in a path segment and is part of OpenEMR's Provenance ids (`Condition:<uuid>`): keep it as is.
    return id ? `/fhir/${type}/${encodeURIComponent(id).replace(/%3A/gi, ':')}` : undefined;
  }
  const id = spec.item === 'uuid' ? text(row.uuid) || text(row.pc_uuid) : text(row.id) || text(row.pc_eid);
  return id ? `${fillPath(spec.path, ctx)}/${encodeURIComponent(id)}` : undefined;
}
