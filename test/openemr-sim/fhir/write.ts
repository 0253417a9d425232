/** FHIR POST and PUT for Patient, Practitioner and Organization, written into the same tables as /api. */
import type { Organization, Patient, Practitioner } from 'fhir/r4';
import { blankPatient, type PatientRecord, type Row } from '../data/records.js';
import { randomUuid } from '../data/store.js';
import { fail, reply, type Reply } from '../reply.js';
import type { SimState } from '../state.js';
import { validationReply } from '../api/envelope.js';
import { readResource } from './registry.js';

type Body = Record<string, unknown>;

function requireResource(body: Body, type: string, need: Array<[string, boolean]>): void {
  const errors: Record<string, string> = {};
  if (body.resourceType !== type) errors.resourceType = `resourceType must be ${type}`;
  for (const [field, ok] of need) if (!ok) errors[field] = `${field} is required`;
  if (Object.keys(errors).length) fail(validationReply(errors));
}

function patientFields(r: Patient): Partial<PatientRecord> {
  const name = r.name?.[0];
  const addr = r.address?.[0];
  const phone = (use: string) => r.telecom?.find((t) => t.system === 'phone' && t.use === use)?.value;
  const out: Partial<PatientRecord> = {
    fname: name?.given?.[0],
    mname: name?.given?.[1],
    lname: name?.family,
    DOB: r.birthDate,
    sex: r.gender === 'female' ? 'Female' : r.gender === 'male' ? 'Male' : r.gender ? 'UNK' : undefined,
    street: addr?.line?.[0],
    city: addr?.city,
    state: addr?.state,
    postal_code: addr?.postalCode,
    country_code: addr?.country,
    phone_home: phone('home'),
    phone_cell: phone('mobile'),
    phone_biz: phone('work'),
    email: r.telecom?.find((t) => t.system === 'email')?.value,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/**
 * A PUT answers the updated resource; a POST answers what FhirServiceBase::insert returns: the insert result
 * of the OpenEMR service (`{pid, uuid}` for a patient, `{id, uuid}` for a practitioner or a facility).
 */
function created(state: SimState, site: string, type: string, row: Row, isNew: boolean): Reply {
  const id = String(row.uuid);
  const json = isNew
    ? type === 'Patient'
      ? { pid: row.pid, uuid: id }
      : { id: row.id, uuid: id }
    : readResource(state.data, type, id, state.fhirBase(site));
  return {
    status: isNew ? 201 : 200,
    json,
    headers: { 'Content-Type': 'application/fhir+json', Location: `${state.fhirBase(site)}/${type}/${id}` },
  };
}

export function writePatient(state: SimState, site: string, body: Body, id?: string): Reply {
  const r = body as unknown as Patient;
  requireResource(body, 'Patient', [
    ['name.family', Boolean(r.name?.[0]?.family)],
    ['name.given', Boolean(r.name?.[0]?.given?.[0])],
    ['birthDate', Boolean(r.birthDate)],
    ['gender', Boolean(r.gender)],
  ]);
  const existing = id === undefined ? undefined : state.data.patientByUuid(id);
  if (id !== undefined && !existing) return reply.json(404, null);
  const fresh = () => {
    const { pid, uuid } = state.data.newPatientIdentity();
    return blankPatient(pid, uuid);
  };
  const base = existing ?? fresh();
  const row = { ...base, ...patientFields(r) } as PatientRecord;
  state.data.putPatient(row);
  return created(state, site, 'Patient', row, !existing);
}

function upsertShared(state: SimState, kind: 'practitioner' | 'facility', fields: Row, id: string | undefined): Row | undefined {
  const table = state.data.globals[kind];
  const existing = id === undefined ? undefined : table.find((x) => x.uuid === id);
  if (id !== undefined && !existing) return undefined;
  const row = { ...(existing ?? { id: state.data.nextGlobalId(kind), uuid: randomUuid() }), ...fields };
  state.data.putGlobal(kind, row);
  return row;
}

export function writePractitioner(state: SimState, site: string, body: Body, id?: string): Reply {
  const r = body as unknown as Practitioner;
  requireResource(body, 'Practitioner', [['name.family', Boolean(r.name?.[0]?.family)]]);
  const npi = r.identifier?.find((i) => i.system === 'http://hl7.org/fhir/sid/us-npi')?.value ?? '';
  const row = upsertShared(
    state,
    'practitioner',
    {
      fname: r.name?.[0]?.given?.[0] ?? '',
      lname: r.name?.[0]?.family ?? '',
      npi,
      active: r.active === false ? 0 : 1,
      facility_id: state.data.globals.facility[0]?.id ?? null,
    },
    id,
  );
  return row ? created(state, site, 'Practitioner', row, !id) : reply.json(404, null);
}

export function writeOrganization(state: SimState, site: string, body: Body, id?: string): Reply {
  const r = body as unknown as Organization;
  requireResource(body, 'Organization', [['name', Boolean(r.name)]]);
  const a = r.address?.[0];
  const row = upsertShared(
    state,
    'facility',
    {
      name: r.name ?? '',
      street: a?.line?.[0] ?? '',
      city: a?.city ?? '',
      state: a?.state ?? '',
      postal_code: a?.postalCode ?? '',
      country_code: a?.country ?? 'US',
      phone: r.telecom?.find((t) => t.system === 'phone')?.value ?? '',
    },
    id,
  );
  return row ? created(state, site, 'Organization', row, !id) : reply.json(404, null);
}
