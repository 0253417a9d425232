/**
 * OpenEMR's scopes (facts §4): parsing, coverage checks, the catalog and presets.
 * Format: `<context>/<Resource>.<perm>[?query]`; FHIR resources are Capitalized, standard-API ones snake_case.
 */
export type ScopeContext = 'patient' | 'user' | 'system';
export type ScopeApi = 'standard' | 'fhir' | 'portal' | 'oidc';

export interface ParsedScope {
  raw: string;
  kind: 'identity' | 'launch' | 'api-gate' | 'site' | 'resource' | 'operation' | 'unknown';
  context?: ScopeContext;
  resource?: string;
  /** Which API the resource belongs to (capitalisation rule); `*` counts as FHIR. */
  api?: 'standard' | 'fhir';
  /** 1 for read/write, 2 for SMART v2 letters. */
  version?: 1 | 2;
  /** Permission letters this scope grants, always in `cruds` order (v1 read = rs, write = cud). */
  permissions?: string;
  query?: string;
  /** For operation scopes, e.g. `$export`. */
  operation?: string;
}

export const PERMISSION_ORDER = 'cruds';
export const IDENTITY_SCOPES = [
  'openid',
  'fhirUser',
  'online_access',
  'offline_access',
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
] as const;
export const LAUNCH_SCOPES = ['launch', 'launch/patient'] as const;
export const API_GATE_SCOPES = ['api:oemr', 'api:fhir', 'api:port'] as const;

const RESOURCE_SCOPE = /^(patient|user|system)\/([A-Za-z_*][A-Za-z0-9_]*)\.([A-Za-z$][A-Za-z0-9_$-]*)(?:\?(.+))?$/;

/** True when the letters are a non-empty subset of `cruds` in that order, without repeats. */
export function isValidPermissionLetters(letters: string): boolean {
  if (!letters) return false;
  let at = -1;
  for (const ch of letters) {
    const idx = PERMISSION_ORDER.indexOf(ch, at + 1);
    if (idx < 0) return false;
    at = idx;
  }
  return true;
}

/** Parses one scope; never throws (malformed input gives kind `unknown`). */
export function parseScope(raw: string): ParsedScope {
  const scope = raw.trim();
  if ((IDENTITY_SCOPES as readonly string[]).includes(scope)) return { raw: scope, kind: 'identity' };
  if ((LAUNCH_SCOPES as readonly string[]).includes(scope)) return { raw: scope, kind: 'launch' };
  if ((API_GATE_SCOPES as readonly string[]).includes(scope)) return { raw: scope, kind: 'api-gate' };
  if (/^site:[A-Za-z0-9_.-]+$/.test(scope)) return { raw: scope, kind: 'site' };
  const m = RESOURCE_SCOPE.exec(scope);
  if (!m) return { raw: scope, kind: 'unknown' };
  const [, context, resource, perm, query] = m as unknown as [string, ScopeContext, string, string, string | undefined];
  const api = resource === '*' || /^[A-Z]/.test(resource) ? 'fhir' : 'standard';
  if (perm.startsWith('$')) return { raw: scope, kind: 'operation', context, resource, api, operation: perm };
  if (perm === 'read' || perm === 'write') {
    if (query) return { raw: scope, kind: 'unknown' };
    return { raw: scope, kind: 'resource', context, resource, api, version: 1, permissions: perm === 'read' ? 'rs' : 'cud' };
  }
  if (!isValidPermissionLetters(perm)) return { raw: scope, kind: 'unknown' };
  return { raw: scope, kind: 'resource', context, resource, api, version: 2, permissions: perm, query };
}

/** Splits a space-separated scope string into unique scopes, keeping order. */
export function splitScopes(value: string | readonly string[] | undefined | null): string[] {
  const parts = typeof value === 'string' ? value.split(/\s+/) : [...(value ?? [])];
  return [...new Set(parts.map((s) => s.trim()).filter(Boolean))];
}

export function joinScopes(scopes: readonly string[]): string {
  return splitScopes(scopes).join(' ');
}

/**
 * Whether the granted scopes cover a required scope such as `user/patient.s` or `user/Patient.read`.
 * A v1 read covers r and s, a v1 write covers c, u and d; `system/*` covers every system resource.
 * Narrowed (`?query`) scopes do not cover an unnarrowed requirement.
 */
export function scopeCovers(granted: readonly string[], required: string): boolean {
  const need = parseScope(required);
  if (need.kind !== 'resource' && need.kind !== 'operation') return granted.includes(need.raw);
  return granted.some((g) => {
    const have = parseScope(g);
    if (have.context !== need.context) return false;
    if (have.resource !== need.resource && have.resource !== '*') return false;
    if (need.kind === 'operation') return have.kind === 'operation' && have.operation === need.operation;
    if (have.kind !== 'resource' || have.query) return false;
    return [...(need.permissions ?? '')].every((ch) => (have.permissions ?? '').includes(ch));
  });
}

/** Public (non-confidential) clients may not hold user/ or system/ scopes. */
export function isScopeValidForPublicClient(scope: string): boolean {
  const parsed = parseScope(scope);
  return parsed.context === undefined || parsed.context === 'patient';
}

export interface ScopeCatalogEntry {
  scope: string;
  api: ScopeApi;
  context?: ScopeContext;
  resource?: string;
  version?: 1 | 2;
  /** Oldest server line that offers it: `6.0` (every supported version), `7.0.4` (M-2509 and 8.x) or `8.x`. */
  since: '6.0' | '7.0.4' | '8.x';
  publicClient: boolean;
  /** Needs `rest_system_scopes_api`. */
  systemScopesGlobal: boolean;
  description: string;
}

type StdRow = [resource: string, v1: 'r' | 'w' | 'rw', v2: string, since?: '8.x'];
/** Standard-API user/ scopes (facts §4): v1 read/write and the 8.x v2 letters. */
const STANDARD_SCOPE_ROWS: StdRow[] = [
  ['allergy', 'rw', 'cruds'],
  ['appointment', 'rw', 'cruds'],
  ['background_service', 'rw', 'crs', '8.x'],
  ['dental_issue', 'rw', 'cruds'],
  ['document', 'rw', 'crs'],
  ['drug', 'r', 'rs'],
  ['employer', 'r', 's', '8.x'],
  ['encounter', 'rw', 'crus'],
  ['facility', 'rw', 'crus'],
  ['immunization', 'r', 'rs'],
  ['insurance', 'rw', 'crus'],
  ['insurance_company', 'rw', 'crus'],
  ['insurance_type', 'r', 's'],
  ['list', 'r', 'r'],
  ['medical_problem', 'rw', 'cruds'],
  ['medication', 'rw', 'cruds'],
  ['message', 'w', 'cud'],
  ['patient', 'rw', 'crus'],
  ['practitioner', 'rw', 'crus'],
  ['prescription', 'r', 'crds'],
  ['procedure', 'r', 'rs'],
  ['product', 'r', 's'],
  ['soap_note', 'rw', 'crus'],
  ['surgery', 'rw', 'cruds'],
  ['transaction', 'rw', 'cuds'],
  ['user', 'r', 'rs'],
  ['version', 'r', 's'],
  ['vital', 'rw', 'crus'],
];
const STANDARD_PATIENT_ROWS: [string, string][] = [
  ['patient', 's'],
  ['encounter', 'rs'],
  ['appointment', 'rs'],
];

export const FHIR_V1_READ_RESOURCES = [
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
] as const;
export const FHIR_V1_WRITE_RESOURCES = ['Patient', 'Practitioner', 'Organization'] as const;
export const FHIR_V2_RESOURCES = [
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
] as const;
const FHIR_V2_8X_RESOURCES = ['Media', 'Questionnaire'] as const;
const CONTEXTS: ScopeContext[] = ['patient', 'user', 'system'];

const OPERATION_SCOPES: [scope: string, since: ScopeCatalogEntry['since'], description: string][] = [
  ['user/DocumentReference.$docref', '6.0', 'Generate a CCD document (DocumentReference $docref)'],
  ['system/Patient.$export', '6.0', 'Bulk export of patients'],
  ['system/Group.$export', '6.0', 'Bulk export of a group'],
  ['system/*.$export', '6.0', 'Bulk export of the whole system'],
  ['system/*.$bulkdata-status', '6.0', 'Read and cancel bulk export jobs'],
  ['user/insurance.$swap-insurance', '8.x', 'Swap a patient insurance (standard API)'],
  ['user/background_service.$run', '8.x', 'Run every due background service'],
  // OpenEMR takes the scope resource of POST /api/background_service/:name/run from the path's last segment
  ['user/run.c', '8.x', 'Run one background service by name'],
];

function entry(scope: string, since: ScopeCatalogEntry['since'], description: string): ScopeCatalogEntry {
  const parsed = parseScope(scope);
  const api: ScopeApi = parsed.kind === 'identity' || parsed.kind === 'launch' ? 'oidc' : (parsed.api ?? gateApi(scope));
  return {
    scope,
    api,
    context: parsed.context,
    resource: parsed.resource,
    version: parsed.version,
    since,
    publicClient: isScopeValidForPublicClient(scope),
    systemScopesGlobal: parsed.context === 'system',
    description,
  };
}

function gateApi(scope: string): ScopeApi {
  return scope === 'api:oemr' ? 'standard' : scope === 'api:port' ? 'portal' : scope === 'api:fhir' ? 'fhir' : 'oidc';
}

function describe(context: ScopeContext, resource: string, letters: string): string {
  const verbs = [...letters].map((l) => ({ c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' })[l]).join('/');
  return `${verbs} ${resource} (${context} context)`;
}

function buildCatalog(): ScopeCatalogEntry[] {
  const out: ScopeCatalogEntry[] = [];
  for (const s of IDENTITY_SCOPES) out.push(entry(s, '6.0', `OpenID Connect / SMART: ${s}`));
  for (const s of LAUNCH_SCOPES)
    out.push(entry(s, '6.0', s === 'launch' ? 'EHR launch context' : 'Standalone launch: pick a patient'));
  out.push(entry('api:oemr', '6.0', 'Gate for the standard REST API (/api)'));
  out.push(entry('api:fhir', '6.0', 'Gate for the FHIR API (/fhir)'));
  out.push(entry('api:port', '6.0', 'Gate for the patient portal API (/portal)'));
  for (const [resource, v1, v2, since] of STANDARD_SCOPE_ROWS) {
    if (v1.includes('r')) out.push(entry(`user/${resource}.read`, since ?? '6.0', describe('user', resource, 'rs')));
    if (v1.includes('w')) out.push(entry(`user/${resource}.write`, since ?? '6.0', describe('user', resource, 'cud')));
    out.push(entry(`user/${resource}.${v2}`, '8.x', describe('user', resource, v2)));
  }
  for (const [resource, v2] of STANDARD_PATIENT_ROWS) {
    out.push(entry(`patient/${resource}.read`, '6.0', describe('patient', resource, 'rs')));
    out.push(entry(`patient/${resource}.${v2}`, '8.x', describe('patient', resource, v2)));
  }
  for (const context of CONTEXTS) {
    for (const r of FHIR_V1_READ_RESOURCES) out.push(entry(`${context}/${r}.read`, '6.0', describe(context, r, 'rs')));
  }
  for (const r of FHIR_V1_WRITE_RESOURCES) out.push(entry(`user/${r}.write`, '6.0', describe('user', r, 'cud')));
  for (const context of CONTEXTS) {
    for (const r of FHIR_V2_RESOURCES) out.push(entry(`${context}/${r}.rs`, '7.0.4', describe(context, r, 'rs')));
    for (const r of FHIR_V2_8X_RESOURCES) out.push(entry(`${context}/${r}.rs`, '8.x', describe(context, r, 'rs')));
  }
  for (const [scope, since, description] of OPERATION_SCOPES) out.push(entry(scope, since, description));
  return out;
}

/** Every scope OpenEMR offers (8.x list, with `since` for older servers). */
export const SCOPE_CATALOG: readonly ScopeCatalogEntry[] = buildCatalog();

export interface ScopeFilter {
  /** Server line: 7 (7.0.3, v1 only) or 8 (M-2509 / 8.x, v1 and v2). Default 8. */
  flavor?: 7 | 8;
  /** Whether `rest_system_scopes_api` is on. Default false. */
  systemScopes?: boolean;
  /** Only scopes a public client may register. */
  publicClient?: boolean;
}

export function scopeCatalog(filter: ScopeFilter = {}): ScopeCatalogEntry[] {
  const flavor = filter.flavor ?? 8;
  return SCOPE_CATALOG.filter(
    (e) =>
      (flavor === 8 || e.since === '6.0') &&
      (filter.systemScopes || !e.systemScopesGlobal) &&
      (!filter.publicClient || e.publicClient),
  );
}

export type ScopePresetId = 'read-only' | 'read-write' | 'patient-app' | 'everything';

export interface ScopePreset {
  id: ScopePresetId;
  label: string;
  description: string;
  /** A confidential client is needed (user/ or system/ scopes). */
  confidential: boolean;
  scopes(filter?: ScopeFilter): string[];
}

const BASE = ['openid', 'offline_access', 'api:oemr', 'api:fhir'];

/**
 * v1 scopes that pass `keep`, plus, for resources that only have a v2 scope (MedicationDispense, Specimen, …),
 * that v2 scope, so a preset reaches every resource the server offers.
 */
function v1Scopes(filter: ScopeFilter, keep: (e: ScopeCatalogEntry) => boolean): string[] {
  const catalog = scopeCatalog(filter).filter(keep);
  const v1 = catalog.filter((e) => e.version === 1);
  const covered = new Set(v1.map((e) => `${e.context}/${e.resource}`));
  const v2Only = catalog.filter((e) => e.version === 2 && e.api === 'fhir' && !covered.has(`${e.context}/${e.resource}`));
  return [...v1, ...v2Only].map((e) => e.scope);
}

export const SCOPE_PRESETS: Record<ScopePresetId, ScopePreset> = {
  'read-only': {
    id: 'read-only',
    label: 'Read only',
    description: 'Read and search every standard-API and FHIR resource as a user (v1 .read scopes).',
    confidential: true,
    scopes: (f = {}) => [
      ...BASE,
      ...v1Scopes(f, (e) => e.context === 'user' && !/[cud]/.test(parseScope(e.scope).permissions ?? 'c')),
    ],
  },
  'read-write': {
    id: 'read-write',
    label: 'Read and write',
    description: 'Read every resource and write where OpenEMR allows it, as a user (v1 .read and .write).',
    confidential: true,
    scopes: (f = {}) => [...BASE, ...v1Scopes(f, (e) => e.context === 'user')],
  },
  'patient-app': {
    id: 'patient-app',
    label: 'Patient app (public client)',
    description: 'A SMART standalone patient app: the patient picks themselves; read their FHIR data.',
    confidential: false,
    scopes: (f = {}) => [
      'openid',
      'offline_access',
      'fhirUser',
      'launch/patient',
      'api:fhir',
      ...v1Scopes({ ...f, publicClient: true }, (e) => e.context === 'patient' && e.api === 'fhir'),
    ],
  },
  everything: {
    id: 'everything',
    label: 'Everything',
    description: 'Every scope the server offers to a confidential client (system/ only when system scopes are on).',
    confidential: true,
    scopes: (f = {}) =>
      splitScopes([
        ...BASE,
        ...scopeCatalog(f)
          .map((e) => e.scope)
          .filter((s) => s !== 'launch'),
      ]),
  },
};
