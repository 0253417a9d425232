/** Record shapes of the one data set that both the standard API and FHIR serve. */

/** A flat row as OpenEMR's standard API returns it (snake_case columns). */
export type Row = Record<string, string | number | null>;

export interface PatientRecord extends Row {
  id: number;
  pid: number;
  uuid: string;
  pubpid: string;
  title: string;
  fname: string;
  mname: string;
  lname: string;
  DOB: string;
  sex: string;
  ss: string;
  street: string;
  city: string;
  state: string;
  postal_code: string;
  country_code: string;
  phone_home: string;
  phone_biz: string;
  phone_cell: string;
  email: string;
  race: string;
  ethnicity: string;
  status: string;
  date: string;
}

/** Per-patient tables; each row has numeric `id`, `uuid` and `pid`. */
export const CHILD_KINDS = [
  'encounter',
  'vital',
  'soap_note',
  'medical_problem',
  'allergy',
  'medication',
  'surgery',
  'dental_issue',
  'appointment',
  'document',
  'insurance',
  'employer',
  'immunization',
  'procedure',
  'lab_result',
  'prescription',
  'message',
  'transaction',
] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

/** Tables shared by all patients. */
export const GLOBAL_KINDS = ['practitioner', 'facility', 'insurance_company', 'user', 'drug'] as const;
export type GlobalKind = (typeof GLOBAL_KINDS)[number];

export interface ChildRow extends Row {
  id: number;
  uuid: string;
  pid: number;
}

export function str(row: Row, field: string): string {
  const v = row[field];
  return v === null || v === undefined ? '' : String(v);
}

export function num(row: Row, field: string): number {
  return Number(row[field] ?? 0);
}

/** "YYYY-MM-DD hh:mm:ss", as OpenEMR's datetime columns read. */
export function sqlNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** A new patient row with every column present and empty. */
export function blankPatient(pid: number, uuid: string): PatientRecord {
  return {
    id: pid,
    pid,
    uuid,
    pubpid: String(pid),
    title: '',
    fname: '',
    mname: '',
    lname: '',
    DOB: '',
    sex: '',
    ss: '',
    street: '',
    city: '',
    state: '',
    postal_code: '',
    country_code: 'US',
    phone_home: '',
    phone_biz: '',
    phone_cell: '',
    email: '',
    race: '',
    ethnicity: '',
    status: '',
    date: sqlNow(),
  };
}
