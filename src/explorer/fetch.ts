/** The explorer's reads, over the core client: one page of a group, of patients, or the patient's own record. vscode-free. */
import type { FhirResource, Patient } from 'fhir/r4';
import {
  fillPath,
  standardPage,
  standardPageQuery,
  type OpenEmrClient,
  type Page,
  type PageRequest,
  type PatientSearch,
} from '../core';
import type { GroupSpec, PathContext, Row } from './catalog';

/** The fields a patient row keeps in the tree (long lists hold only these). */
export interface PatientRow extends Row {
  uuid: string;
  pid?: string;
  fname?: string;
  lname?: string;
  DOB?: string;
  sex?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

export function trimPatient(row: Row): PatientRow {
  return {
    uuid: str(row.uuid) ?? '',
    pid: str(row.pid),
    fname: str(row.fname),
    lname: str(row.lname),
    DOB: str(row.DOB),
    sex: str(row.sex),
  };
}

/** A FHIR Patient as a patient row (patient tokens read their own record this way when the portal API is off). */
export function patientRowFromFhir(p: Patient): PatientRow {
  const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  return {
    uuid: p.id ?? '',
    fname: name?.given?.join(' '),
    lname: name?.family,
    DOB: p.birthDate,
    sex: p.gender ? p.gender[0]!.toUpperCase() + p.gender.slice(1) : undefined,
  };
}

/** The search parameters of a FHIR group: by `patient` under a patient (`_id` for Patient), plus the Provenance include. */
export function fhirGroupQuery(
  spec: GroupSpec,
  ctx: PathContext,
  extraQuery: Record<string, string> = {},
): Record<string, string> {
  const params: Record<string, string> = { ...extraQuery };
  if (ctx.puuid) params[spec.resource === 'Patient' ? '_id' : 'patient'] = ctx.puuid;
  if (spec.provenanceOfMatches) params._revinclude = 'Provenance:target';
  return params;
}

/**
 * The included Provenance of one page of matches. Paging follows the matches: a full page of them means
 * more may follow, however many Provenance came along.
 */
function provenancePage(found: Page<FhirResource>, page: PageRequest): Page<Row> {
  const provenance = found.items.filter((r) => r.resourceType === 'Provenance');
  const matches = found.items.length - provenance.length;
  const offset = page.offset ?? 0;
  const next = page.limit !== undefined && matches >= page.limit ? { offset: offset + matches, limit: page.limit } : undefined;
  return { items: provenance as unknown as Row[], offset, limit: page.limit, next };
}

/** One page of a group's rows. */
export async function fetchGroupPage(
  client: OpenEmrClient,
  spec: GroupSpec,
  ctx: PathContext,
  page: PageRequest,
  extraQuery: Record<string, string> = {},
): Promise<Page<Row>> {
  if (spec.api === 'fhir') {
    const found = await client.fhirSearch(spec.resource, fhirGroupQuery(spec, ctx, extraQuery), page);
    return spec.provenanceOfMatches ? provenancePage(found, page) : (found as unknown as Page<Row>);
  }
  const res = await client.request('GET', fillPath(spec.path, ctx), undefined, {
    query: { ...extraQuery, ...standardPageQuery(page) },
  });
  return standardPage<Row>(client.unwrap(res), res.envelope?.links, page);
}

/** Patients sorted by last then first name, narrowed by the filter. */
export function fetchPatientsPage(client: OpenEmrClient, search: PatientSearch, page: PageRequest): Promise<Page<Row>> {
  return client.listPatients({ ...search, _sort: 'lname,fname' }, page) as Promise<Page<Row>>;
}

/** A patient token's own record: the portal's /portal/patient, else the FHIR Patient the token can see. */
export async function fetchOwnRecord(client: OpenEmrClient): Promise<Page<Row>> {
  const portal = await client.request('GET', '/portal/patient');
  if (portal.ok && portal.data && typeof portal.data === 'object') {
    const row = Array.isArray(portal.data) ? (portal.data[0] as Row | undefined) : (portal.data as Row);
    if (row) return { items: [row], offset: 0 };
  }
  const fhir = await client.fhirSearch<Patient>('Patient', {}, { limit: 1 }).catch((error: unknown) => {
    throw portal.error ?? error;
  });
  return { items: fhir.items.map(patientRowFromFhir), offset: 0 };
}

/** Patients as FHIR Patients (backend-service tokens cannot call /api), as patient rows. */
export async function fetchFhirPatientsPage(client: OpenEmrClient, page: PageRequest): Promise<Page<Row>> {
  const result = await client.fhirSearch<Patient>('Patient', {}, page);
  return { ...result, items: result.items.map(patientRowFromFhir) };
}
