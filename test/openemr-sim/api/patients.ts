/** Patient search of GET /api/patient: OpenEMR's search fields, prefix match for text, exact for codes. */
import type { PatientRecord } from '../data/records.js';
import type { DataStore } from '../data/store.js';
import type { Paging } from './envelope.js';

export const PATIENT_SEARCH_FIELDS = ['fname', 'lname', 'ss', 'street', 'postal_code', 'city', 'state', 'phone_home', 'phone_biz', 'phone_cell', 'postal_contact', 'sex', 'country_code', 'email', 'DOB'];
const EXACT = new Set(['sex', 'DOB', 'postal_code', 'country_code', 'ss']);

/** Sorted (cached) and filtered patients; without filters this is the cached array itself, so paging is O(page). */
export function filterPatients(data: DataStore, query: URLSearchParams, p: Paging): PatientRecord[] {
  const sorted = data.sortedPatients(p.sort);
  const filters = PATIENT_SEARCH_FIELDS.flatMap((f) => {
    const v = query.get(f);
    return v ? [[f, v.toLowerCase()] as const] : [];
  });
  if (!filters.length) return sorted;
  return sorted.filter((pt) => filters.every(([f, v]) => {
    const have = String(pt[f] ?? '').toLowerCase();
    return EXACT.has(f) ? have === v : have.startsWith(v);
  }));
}
