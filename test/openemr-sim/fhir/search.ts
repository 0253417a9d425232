/** FHIR search over the registry: patient=, _id, names, category, with _count and _offset. */
import type { FhirResource } from 'fhir/r4';
import type { PatientRecord } from '../data/records.js';
import type { DataStore } from '../data/store.js';
import { FHIR_TYPES, provenanceFor, readProvenance, readResource } from './registry.js';

/** Without _count the whole result is returned, up to this many entries. */
export const MAX_FHIR_PAGE = 1000;

export interface SearchRequest {
  type: string;
  query: URLSearchParams;
  fhirBase: string;
  /** patient-role tokens only see their own compartment */
  onlyPatient?: PatientRecord;
}

export interface SearchResult {
  matches: FhirResource[];
  included: FhirResource[];
}

function refId(value: string): string {
  return value.replace(/^.*\//, '');
}

function textOf(r: FhirResource): string {
  const names = 'name' in r ? r.name : undefined;
  if (typeof names === 'string') return names.toLowerCase();
  if (Array.isArray(names))
    return (names as Array<{ family?: string; given?: string[]; text?: string }>)
      .map((n) => [n.family, ...(n.given ?? []), n.text].filter(Boolean).join(' '))
      .join(' ')
      .toLowerCase();
  return '';
}

function matchesFilters(r: FhirResource, q: URLSearchParams): boolean {
  for (const [key, raw] of q) {
    const value = raw.toLowerCase();
    if (
      key === 'name' &&
      !textOf(r)
        .split(/\s+/)
        .some((w) => w.startsWith(value))
    )
      return false;
    if ((key === 'family' || key === 'given') && r.resourceType === 'Patient') {
      const parts = (r.name ?? []).flatMap((n) => (key === 'family' ? [n.family ?? ''] : (n.given ?? [])));
      if (!parts.some((w) => w.toLowerCase().startsWith(value))) return false;
    }
    if (key === 'birthdate' && r.resourceType === 'Patient' && r.birthDate !== raw) return false;
    if (key === 'gender' && r.resourceType === 'Patient' && r.gender !== value) return false;
    if (key === 'category' && 'category' in r) {
      const code = value.split('|').pop();
      const cats = JSON.stringify(r.category ?? []).toLowerCase();
      if (!cats.includes(`"code":"${code}"`)) return false;
    }
  }
  return true;
}

function pageOf(query: URLSearchParams): { offset: number; count: number } {
  const n = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : undefined);
  return { offset: n(query.get('_offset')) ?? 0, count: Math.min(n(query.get('_count')) ?? MAX_FHIR_PAGE, MAX_FHIR_PAGE) };
}

function patientsOf(data: DataStore, req: SearchRequest): PatientRecord[] | 'all' {
  const ref = req.query.get('patient') ?? req.query.get('subject') ?? (req.type === 'Patient' ? req.query.get('_id') : null);
  if (req.onlyPatient) return ref && refId(ref) !== req.onlyPatient.uuid ? [] : [req.onlyPatient];
  if (ref === null) return 'all';
  const p = data.patientByUuid(refId(ref));
  return p ? [p] : [];
}

/** Collects matches lazily, so a page near the start of 100000 patients stays cheap. */
function collect(data: DataStore, req: SearchRequest, want: number): FhirResource[] {
  const t = FHIR_TYPES[req.type];
  const out: FhirResource[] = [];
  const id = req.query.get('_id');
  if (id !== null && req.type !== 'Patient') {
    const r = readResource(data, req.type, id, req.fhirBase);
    return r &&
      matchesFilters(r, req.query) &&
      (!req.onlyPatient || !t.forPatient || JSON.stringify(r).includes(`Patient/${req.onlyPatient.uuid}`))
      ? [r]
      : [];
  }
  if (t.shared) return t.shared(data).filter((r) => matchesFilters(r, req.query));
  const patients = patientsOf(data, req);
  const list = patients === 'all' ? data.eachPatient() : patients;
  for (const p of list) {
    for (const r of t.forPatient?.(data, p, req.fhirBase) ?? []) {
      if (matchesFilters(r, req.query)) out.push(r);
      if (out.length >= want) return out;
    }
  }
  return out;
}

export function search(data: DataStore, req: SearchRequest): SearchResult {
  const { offset, count } = pageOf(req.query);
  let matches: FhirResource[];
  if (req.type === 'Provenance') {
    const id = req.query.get('_id');
    if (id !== null) {
      const one = readProvenance(data, id, req.fhirBase);
      matches = one ? [one] : [];
    } else {
      // OpenEMR's Provenance search understands _id only: any other parameter (patient= included) is ignored.
      const targets = collect(data, { ...req, type: 'Patient', query: new URLSearchParams() }, offset + count);
      matches = targets.map((t) => provenanceFor(t, data));
    }
  } else {
    matches = collect(data, req, offset + count);
  }
  const page = matches.slice(offset, offset + count);
  const included = req.query.getAll('_revinclude').includes('Provenance:target') ? page.map((r) => provenanceFor(r, data)) : [];
  return { matches: page, included };
}
