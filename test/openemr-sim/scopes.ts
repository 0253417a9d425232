/** OpenEMR's server scope list (facts §4) and the check of a token's scopes against a route. */
import type { Flavor } from './errors.js';

export type Letter = 'c' | 'r' | 'u' | 'd' | 's';
export type Context = 'patient' | 'user' | 'system';
const ORDER = 'cruds';

export const BASE_SCOPES = [
  'openid',
  'fhirUser',
  'online_access',
  'offline_access',
  'launch',
  'launch/patient',
  'profile',
  'name',
  'address',
  'given_name',
  'family_name',
  'nickname',
  'phone',
  'phone_verified',
  'email',
  'email_verified',
  'api:oemr',
  'api:fhir',
  'api:port',
];

const FHIR_V1 = [
  'AllergyIntolerance',
  'Appointment',
  'CarePlan',
  'CareTeam',
  'Condition',
  'Coverage',
  'Device',
  'DiagnosticReport',
  'DocumentReference',
  'Binary',
  'Encounter',
  'Goal',
  'Group',
  'Immunization',
  'Location',
  'Medication',
  'MedicationRequest',
  'Observation',
  'Organization',
  'Patient',
  'Person',
  'Practitioner',
  'PractitionerRole',
  'Procedure',
  'Provenance',
  'ValueSet',
  'OperationDefinition',
];
const FHIR_V1_WRITE = ['Patient', 'Practitioner', 'Organization'];
const FHIR_V2 = [
  'AllergyIntolerance',
  'CarePlan',
  'CareTeam',
  'Condition',
  'Coverage',
  'Device',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'Goal',
  'Immunization',
  'MedicationDispense',
  'MedicationRequest',
  'Observation',
  'Organization',
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Procedure',
  'Provenance',
  'QuestionnaireResponse',
  'RelatedPerson',
  'ServiceRequest',
  'Specimen',
  'Media',
  'Questionnaire',
];
/** Category-narrowed v2 scopes on offer (any `category=` value is accepted for these resources). */
const CATEGORY_EXAMPLES: Record<string, string> = {
  Condition: 'http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item',
  Observation: 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
  DocumentReference: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category|clinical-note',
};

/** Standard-API resources: [v1 permissions, v2 letters] for user/ context. */
const STANDARD: Record<string, [v1: 'r' | 'w' | 'rw' | '', v2: string]> = {
  allergy: ['rw', 'cruds'],
  appointment: ['rw', 'cruds'],
  dental_issue: ['rw', 'cruds'],
  document: ['rw', 'crs'],
  drug: ['r', 'rs'],
  employer: ['r', 's'],
  encounter: ['rw', 'crus'],
  facility: ['rw', 'crus'],
  immunization: ['r', 'rs'],
  insurance: ['rw', 'crus'],
  insurance_company: ['rw', 'crus'],
  insurance_type: ['r', 's'],
  list: ['r', 'r'],
  medical_problem: ['rw', 'cruds'],
  medication: ['rw', 'cruds'],
  message: ['w', 'cud'],
  patient: ['rw', 'crus'],
  practitioner: ['rw', 'crus'],
  prescription: ['r', 'crds'],
  procedure: ['r', 'rs'],
  product: ['r', 's'],
  background_service: ['rw', 'crs'],
  soap_note: ['rw', 'crus'],
  surgery: ['rw', 'cruds'],
  transaction: ['rw', 'cuds'],
  user: ['r', 'rs'],
  version: ['r', 's'],
  vital: ['rw', 'crus'],
};
/** Standard-API resources the 7.0.3 list does not have. */
const SINCE_8 = new Set(['employer', 'background_service']);
const PATIENT_STANDARD: Record<string, string> = { patient: 's', encounter: 'rs', appointment: 'rs' };
const OPERATIONS = ['user/DocumentReference.$docref', 'patient/DocumentReference.$docref'];
const SYSTEM_OPERATIONS = ['system/Patient.$export', 'system/Group.$export', 'system/*.$export', 'system/*.$bulkdata-status'];

export interface ScopeSettings {
  flavor: Flavor;
  systemScopes: boolean;
  /** 8.1 also registers user/prescription.write; 8.0 rejects it */
  release?: '7.0.3' | '8.0.0' | '8.1.0';
}

interface ParsedScope {
  context: Context;
  resource: string;
  perm: string;
  query?: string;
}

const SCOPE_SHAPE = /^(patient|user|system)\/([A-Za-z_]+|\*)\.([a-z]+|\$[a-z-]+)(?:\?(.+))?$/;

export function parseScope(scope: string): ParsedScope | undefined {
  const m = SCOPE_SHAPE.exec(scope);
  return m ? { context: m[1] as Context, resource: m[2], perm: m[3], query: m[4] } : undefined;
}

/** The v1 scope strings the server offers (cached per setting). */
const v1Cache = new Map<string, Set<string>>();
function v1Scopes(s: ScopeSettings): Set<string> {
  const key = `${s.release ?? s.flavor}${s.systemScopes}`;
  let set = v1Cache.get(key);
  if (set) return set;
  set = new Set(BASE_SCOPES);
  const contexts: Context[] = s.systemScopes ? ['patient', 'user', 'system'] : ['patient', 'user'];
  for (const r of FHIR_V1) for (const c of contexts) set.add(`${c}/${r}.read`);
  for (const r of FHIR_V1_WRITE) set.add(`user/${r}.write`);
  for (const [r, [v1]] of Object.entries(STANDARD)) {
    if (SINCE_8.has(r) && s.flavor === 7) continue;
    if (v1.includes('r')) set.add(`user/${r}.read`);
    if (v1.includes('w')) set.add(`user/${r}.write`);
  }
  for (const r of Object.keys(PATIENT_STANDARD)) set.add(`patient/${r}.read`);
  for (const op of OPERATIONS) set.add(op);
  if (s.flavor === 8) set.add('user/insurance.$swap-insurance');
  // the scopes the background-service run routes check (the `run` resource comes from the path)
  if (s.flavor === 8) for (const op of ['user/background_service.$run', 'user/run.c']) set.add(op);
  if (s.release === '8.1.0') set.add('user/prescription.write');
  if (s.systemScopes) for (const op of SYSTEM_OPERATIONS) set.add(op);
  v1Cache.set(key, set);
  return set;
}

/** The SMART v2 letters the server offers for a context and resource ('' when none); 8.x only. */
function offeredLetters(s: ScopeSettings, context: Context, resource: string): string {
  if (s.flavor === 7) return '';
  if (context === 'system' && !s.systemScopes) return '';
  if (FHIR_V2.includes(resource)) return context === 'user' && FHIR_V1_WRITE.includes(resource) ? 'crus' : 'rs';
  if (context === 'user') return STANDARD[resource]?.[1] ?? '';
  if (context === 'patient') return PATIENT_STANDARD[resource] ?? '';
  return '';
}

function inOrderSubset(letters: string, offered: string): boolean {
  let last = -1;
  for (const ch of letters) {
    const at = ORDER.indexOf(ch);
    if (at <= last || !offered.includes(ch)) return false;
    last = at;
  }
  return letters.length > 0;
}

/** Is this scope one the server knows? Unknown scopes make registration and token requests fail. */
export function isServerScope(scope: string, s: ScopeSettings): boolean {
  if (v1Scopes(s).has(scope)) return true;
  if (scope === 'site:default' || /^site:[A-Za-z0-9_-]+$/.test(scope)) return true;
  const p = parseScope(scope);
  if (!p || p.perm === 'read' || p.perm === 'write' || p.perm.startsWith('$')) return false;
  if (p.query !== undefined && !(p.resource in CATEGORY_EXAMPLES && /^category=[^&]+$/.test(p.query))) return false;
  return inOrderSubset(p.perm, offeredLetters(s, p.context, p.resource));
}

export function firstUnknownScope(scopes: string[], s: ScopeSettings): string | undefined {
  return scopes.find((x) => !isServerScope(x, s));
}

export function splitScopes(scope: string | undefined | null): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Does any scope grant `letter` on `resource` in `context`? v1 read = r+s, write = c+u+d. */
export function allows(scopes: readonly string[], context: Context, resource: string, letter: Letter): boolean {
  return scopes.some((scope) => {
    const p = parseScope(scope);
    if (!p || p.context !== context || (p.resource !== resource && p.resource !== '*')) return false;
    if (p.perm === 'read') return letter === 'r' || letter === 's';
    if (p.perm === 'write') return letter === 'c' || letter === 'u' || letter === 'd';
    return !p.perm.startsWith('$') && p.perm.includes(letter);
  });
}

export function hasOperation(scopes: readonly string[], ...wanted: string[]): boolean {
  return scopes.some((s) => wanted.includes(s));
}

/** The full list for discovery's scopes_supported. */
export function scopesSupported(s: ScopeSettings): string[] {
  const list = [...v1Scopes(s)];
  if (s.flavor === 8) {
    const contexts: Context[] = s.systemScopes ? ['patient', 'user', 'system'] : ['patient', 'user'];
    for (const r of FHIR_V2) for (const c of contexts) list.push(`${c}/${r}.${offeredLetters(s, c, r)}`);
    for (const r of Object.keys(STANDARD)) list.push(`user/${r}.${STANDARD[r][1]}`);
    for (const [r, l] of Object.entries(PATIENT_STANDARD)) list.push(`patient/${r}.${l}`);
    for (const [r, category] of Object.entries(CATEGORY_EXAMPLES)) list.push(`patient/${r}.rs?category=${category}`);
  }
  return [...new Set(list)];
}

/** Scopes that make a new client start disabled (facts §2). */
export function needsManualApproval(scopes: string[], isPublic: boolean, manualApprovalGlobal: boolean): boolean {
  if (manualApprovalGlobal) return true;
  if (isPublic) return scopes.includes('launch');
  return scopes.some((s) => s.startsWith('user/') || s.startsWith('system/'));
}
