/**
 * The patient filter: what the user types becomes standard-API search fields. vscode-free.
 *   "Smith"            -> lname=Smith
 *   "Smith, John"      -> lname=Smith, fname=John
 *   "John Smith"       -> fname=John, lname=Smith
 *   "1980-04-02"       -> DOB=1980-04-02
 *   "city=Boston sex=Female" -> any standard patient search field
 */
import type { PatientSearch, PatientSearchField } from '../core';

export const PATIENT_SEARCH_FIELDS: readonly PatientSearchField[] = [
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

export class PatientQueryError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function fieldNamed(name: string): PatientSearchField | undefined {
  return PATIENT_SEARCH_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase());
}

/** Parses the search box; throws PatientQueryError for an unknown field. An empty query means no filter. */
export function parsePatientQuery(input: string): PatientSearch {
  const query = input.trim();
  if (!query) return {};
  if (query.includes('=')) {
    const out: PatientSearch = {};
    for (const part of query.split(/[&\s]+(?=[A-Za-z_]+=)/)) {
      const at = part.indexOf('=');
      const field = fieldNamed(part.slice(0, at).trim());
      if (!field)
        throw new PatientQueryError(
          `Unknown patient search field "${part.slice(0, at).trim()}". Known: ${PATIENT_SEARCH_FIELDS.join(', ')}.`,
        );
      const value = part.slice(at + 1).trim();
      if (value) out[field] = value;
    }
    return out;
  }
  if (DATE.test(query)) return { DOB: query };
  if (query.includes(',')) {
    const [last, firstName] = query.split(',', 2).map((s) => s.trim());
    return { ...(last ? { lname: last } : {}), ...(firstName ? { fname: firstName } : {}) };
  }
  const words = query.split(/\s+/);
  if (words.length >= 2) return { fname: words[0], lname: words.slice(1).join(' ') };
  return { lname: query };
}

/** The filter as shown in the view's description: `lname=Smith, fname=John`. */
export function describePatientSearch(search: PatientSearch): string {
  return Object.entries(search)
    .filter(([k, v]) => k !== '_sort' && v)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}
