/** Who can log in: OpenEMR users (users role) and patient-portal accounts (patient role). */
import { createHmac } from 'node:crypto';
import type { DataStore } from './data/store.js';

export interface UserLogin {
  username: string;
  password: string;
  uuid: string;
  fname: string;
  lname: string;
  /** base32 TOTP secret; the user must then send mfa_token with the password grant. */
  mfaSecret?: string;
  /** resources (standard-API names and FHIR types) this user's ACL does not permit: the scope check passes, the ACL check fails */
  aclDenied?: ReadonlySet<string>;
}

export interface PatientLogin {
  username: string;
  password: string;
  email: string;
  pid: number;
  uuid: string;
}

export const PASSWORD = 'pass';
export const MFA_SECRET = 'JBSWY3DPEHPK3PXP';

/** A front-desk account: demographics and scheduling, but no ACL for the medical record (OpenEMR's patients/med). */
const MEDICAL_RECORD = new Set([
  'encounter',
  'vital',
  'soap_note',
  'medical_problem',
  'allergy',
  'medication',
  'surgery',
  'dental_issue',
  'immunization',
  'procedure',
  'prescription',
  'Encounter',
  'Observation',
  'Condition',
  'AllergyIntolerance',
  'MedicationRequest',
  'Immunization',
  'Procedure',
  'DiagnosticReport',
]);

/** Resources behind OpenEMR's admin/super ACL: only the administrator may use them (`run`: POST …/:name/run). */
const ADMIN_ONLY = ['background_service', 'run'];

export function userLogins(data: DataStore): UserLogin[] {
  const [admin, doctor, clerk = doctor] = data.globals.user;
  return [
    { username: 'admin', password: PASSWORD, uuid: String(admin.uuid), fname: String(admin.fname), lname: String(admin.lname) },
    {
      username: 'mfa',
      password: PASSWORD,
      uuid: String(doctor.uuid),
      fname: String(doctor.fname),
      lname: String(doctor.lname),
      mfaSecret: MFA_SECRET,
      aclDenied: new Set(ADMIN_ONLY),
    },
    {
      username: 'clerk',
      password: PASSWORD,
      uuid: String(clerk.uuid),
      fname: String(clerk.fname),
      lname: String(clerk.lname),
      aclDenied: new Set([...MEDICAL_RECORD, ...ADMIN_ONLY]),
    },
  ];
}

/** Portal logins for the first three patients. */
export function patientLogins(data: DataStore): PatientLogin[] {
  return data
    .patientsByPid()
    .slice(0, 3)
    .map((p) => ({ username: `${p.fname}${p.pid}`.toLowerCase(), password: PASSWORD, email: p.email, pid: p.pid, uuid: p.uuid }));
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as Google Authenticator computes it. */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

export function totpMatches(secret: string, token: string): boolean {
  const now = Date.now();
  return [-30_000, 0, 30_000].some((skew) => totp(secret, now + skew) === token);
}
