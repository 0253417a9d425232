/** Patient search of GET /api/patient: OpenEMR's search fields, prefix match for text, exact for codes. */
import type { DataStore, PatientList } from '../data/store.js';
import type { Paging } from './envelope.js';

export const PATIENT_SEARCH_FIELDS = [
  'fname',
  'lname',
  'ss',
  'street',
  'postal_code',
  'city',
  'state',
  'phone_home',
  'phone_biz',
  'phone_cell',
  'postal_contact',
  'sex',
  'country_code',
  'email',
  'DOB',
];
const EXACT = new Set(['sex', 'DOB', 'postal_code', 'country_code', 'ss']);

/**
 * Sorted (cached) and filtered patients. Without filters and sort this is a lazy list, so a page costs
 * O(page) and generates only its own patients; a filter or sort needs (and generates) them all, once.
 */
export function filterPatients(data: DataStore, query: URLSearchParams, p: Paging): PatientList {
  const filters = PATIENT_SEARCH_FIELDS.flatMap((f) => {
    const v = query.get(f);
    return v ? [[f, v.toLowerCase()] as const] : [];
  });
  if (!filters.length) return p.sort ? data.sortedPatients(p.sort) : data.patientsByPid();
  return data.sortedPatients(p.sort).filter((pt) =>
    filters.every(([f, v]) => {
      const have = String(pt[f] ?? '').toLowerCase();
      return EXACT.has(f) ? have === v : have.startsWith(v);
    }),
  );
}
