/** FHIR R4 routes under /apis/{site}/fhir: read, search, the three writable types, bulk export, Binary. */
import type { Bundle, FhirResource, OperationDefinition } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import { apiRoute, type ApiContext, type ApiRoute } from '../api/api-route.js';
import type { Params } from '../router.js';
import { jsonBody } from '../api/envelope.js';
import { smartConfiguration } from '../oauth/discovery.js';
import { reply, type Reply } from '../reply.js';
import { hasOperation } from '../scopes.js';
import { allPatientsGroup, exportFile, kickOff, outcome, status, unknownGroupKickOff, type ExportLevel } from './bulk.js';
import { capabilityStatement } from './capability.js';
import { FHIR_TYPES, patientOfId, readProvenance, readResource, servedTypes } from './registry.js';
import { search } from './search.js';
import { writeOrganization, writePatient, writePractitioner } from './write.js';

const WRITERS: Record<string, typeof writePatient> = {
  Patient: writePatient,
  Practitioner: writePractitioner,
  Organization: writeOrganization,
};
const KNOWN = { 7: new Set([...servedTypes(7), 'Provenance']), 8: new Set([...servedTypes(8), 'Provenance']) };
const served = (p: Params, flavor: 7 | 8) => KNOWN[flavor].has(p.type);
/** 8.x registers a search but no read for Questionnaire. */
const readable = (p: Params, flavor: 7 | 8) => served(p, flavor) && p.type !== 'Questionnaire';
const writable = (p: Params) => Object.hasOwn(WRITERS, p.type);

/** Types whose ids are not uuids (names, `Type:uuid`, derived vital ids): no uuid validation for them. */
const NOT_UUID_IDS = new Set(['ValueSet', 'Provenance', 'Observation']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** FhirServiceBase.php:224: a malformed uuid is a validation error (400), not a missing resource. */
function badUuid(type: string, id: string): Reply | undefined {
  if (NOT_UUID_IDS.has(type) || UUID.test(id)) return undefined;
  return reply.json(400, {
    validationErrors: { _id: `The search field argument was invalid: ${id}` },
    internalErrors: [],
    data: [],
  });
}

function fullUrl(ctx: ApiContext): string {
  return `${ctx.state.url}${ctx.url.pathname}${ctx.url.search}`;
}

function bundle(ctx: ApiContext, matches: FhirResource[], included: FhirResource[]): Bundle {
  const base = ctx.state.fhirBase(ctx.site);
  const entry = [
    ...matches.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' as const },
    })),
    ...included.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'include' as const },
    })),
  ];
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'collection',
    total: entry.length,
    link: [{ relation: 'self', url: fullUrl(ctx) }],
    entry,
  };
}

/** Patient-role tokens see only their own compartment. */
function ownPatient(ctx: ApiContext) {
  return ctx.caller.role === 'patient' ? ctx.state.data.patientByUuid(ctx.caller.sub) : undefined;
}

function searchType(ctx: ApiContext, type: string): Reply {
  const own = ownPatient(ctx);
  const result = search(ctx.state.data, { type, query: ctx.query, fhirBase: ctx.state.fhirBase(ctx.site), onlyPatient: own });
  return reply.fhir(200, bundle(ctx, result.matches, result.included));
}

function readType(ctx: ApiContext, type: string, id: string): Reply {
  const invalid = badUuid(type, id);
  if (invalid) return invalid;
  const { data } = ctx.state;
  const found =
    type === 'Provenance'
      ? readProvenance(data, id, ctx.state.fhirBase(ctx.site))
      : readResource(data, type, id, ctx.state.fhirBase(ctx.site));
  const own = ownPatient(ctx);
  const targetType = type === 'Provenance' ? id.split(':')[0] : type;
  const targetId = type === 'Provenance' ? (id.split(':')[1] ?? '') : id;
  if (!KNOWN[ctx.state.flavor].has(targetType)) return outcome(404, 'not-found', `Resource ${type}/${id} not found`);
  const outside = own && FHIR_TYPES[targetType]?.forPatient && patientOfId(data, targetType, targetId)?.uuid !== own.uuid;
  if (!found || outside) return outcome(404, 'not-found', `Resource ${type}/${id} not found`);
  return reply.fhir(200, found);
}

function write(ctx: ApiContext, type: string, id?: string): Reply {
  const writer = WRITERS[type]!;
  if (ctx.caller.role !== 'users') return ctx.state.errors.insufficientPermissions();
  const invalid = id === undefined ? undefined : badUuid(type, id);
  if (invalid) return invalid;
  return writer(ctx.state, ctx.site, jsonBody(ctx), id);
}

/** $export needs a system token with the matching operation scope, and system scopes switched on. */
function exportRoute(pattern: string, level: ExportLevel, scope: string): ApiRoute {
  return apiRoute(
    'GET',
    pattern,
    level === 'system' ? '*' : level === 'group' ? 'Group' : 'Patient',
    (ctx, params) => {
      const { state } = ctx;
      if (state.globals.rest_system_scopes_api !== 1 || ctx.caller.role !== 'system')
        return state.errors.insufficientPermissions();
      if (!hasOperation(ctx.caller.scopes, scope, 'system/*.$export')) return state.errors.missingScope();
      if (level === 'group' && params.id !== allPatientsGroup(state).id)
        return state.flavor === 8 ? unknownGroupKickOff(state, ctx.site) : outcome(404, 'not-found', 'Group not found');
      return kickOff(state, ctx.site, level, fullUrl(ctx), ctx.query, String(ctx.req.headers.prefer ?? ''));
    },
    { ownScopeCheck: true, instance: false, operation: '$export' },
  );
}

function bulkStatus(ctx: ApiContext): Reply {
  if (ctx.caller.role !== 'system' || !hasOperation(ctx.caller.scopes, 'system/*.$bulkdata-status', 'system/*.$export'))
    return ctx.state.errors.missingScope();
  return status(ctx.state, ctx.site, ctx.method, ctx.query.get('job'));
}

/** The query string plus a form-encoded body, as PHP's $_REQUEST merges them. */
function formQuery(ctx: ApiContext): URLSearchParams {
  const merged = new URLSearchParams(ctx.query);
  const contentType = String(ctx.req.headers['content-type'] ?? '');
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    for (const [k, v] of new URLSearchParams(ctx.body.toString('utf8'))) merged.append(k, v);
  return merged;
}

/**
 * POST /fhir/DocumentReference/$docref: a CCD for one patient (`patient` parameter, or the patient token's
 * own), answered as a searchset Bundle holding one DocumentReference whose attachment is a Binary.
 */
function docref(ctx: ApiContext): Reply {
  const query = formQuery(ctx);
  const own = ownPatient(ctx);
  const patient = own ?? ctx.state.data.patientByUuid((query.get('patient') ?? '').replace(/^Patient\//, ''));
  if (!patient) return reply.json(400, { validationErrors: { patient: 'patient is required' }, internalErrors: [], data: [] });
  const base = ctx.state.fhirBase(ctx.site);
  const id = randomUUID();
  const document: FhirResource = {
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '34133-9', display: 'Summary of episode note' }] },
    subject: { reference: `Patient/${patient.uuid}` },
    date: new Date().toISOString(),
    content: [
      {
        attachment: { contentType: 'text/xml', url: `${base}/Binary/${id}` },
        format: { code: 'urn:hl7-org:sdwg:ccda-structure:1.1' },
      },
    ],
  };
  return reply.fhir(200, { ...bundle(ctx, [document], []), type: 'searchset' });
}

/** The operations OpenEMR describes at /fhir/OperationDefinition (no token needed), by id. */
const OPERATION_DEFINITIONS: OperationDefinition[] = [
  operationDefinition('$export', 'Bulk data export of all patients, a group or the whole system', {
    system: true,
    type: true,
    instance: true,
  }),
  operationDefinition('$bulkdata-status', 'Status, manifest and cancellation of a bulk export job', {
    system: true,
    type: false,
    instance: false,
  }),
  operationDefinition('$docref', 'Generates a CCD DocumentReference for a patient', {
    system: false,
    type: true,
    instance: false,
  }),
];

function operationDefinition(
  name: string,
  description: string,
  level: Pick<OperationDefinition, 'system' | 'type' | 'instance'>,
): OperationDefinition {
  const code = name.slice(1);
  return {
    resourceType: 'OperationDefinition',
    id: code,
    url: `http://open-emr.org/fhir/OperationDefinition/${code}`,
    name,
    description,
    status: 'active',
    kind: 'operation',
    code,
    ...level,
    affectsState: false,
  };
}

export const FHIR_ROUTES: ApiRoute[] = [
  apiRoute('GET', '/fhir/metadata', 'CapabilityStatement', (ctx) => reply.fhir(200, capabilityStatement(ctx.state, ctx.site)), {
    open: 'always',
  }),
  apiRoute('GET', '/fhir/.well-known/smart-configuration', 'smart', (ctx) => smartConfiguration(ctx), { open: 'always' }),
  apiRoute(
    'GET',
    '/fhir/OperationDefinition',
    'OperationDefinition',
    (ctx) => reply.fhir(200, bundle(ctx, OPERATION_DEFINITIONS, [])),
    { open: 'always' },
  ),
  apiRoute(
    'GET',
    '/fhir/OperationDefinition/:id',
    'OperationDefinition',
    (_ctx, p) => {
      const found = OPERATION_DEFINITIONS.find((d) => d.id === p.id || d.name === p.id);
      return found ? reply.fhir(200, found) : outcome(404, 'not-found', `Resource OperationDefinition/${p.id} not found`);
    },
    // 7.0.3 wants a token but checks no scope; 8.x checks OperationDefinition.r
    { scopeSince8: true },
  ),
  exportRoute('/fhir/$export', 'system', 'system/*.$export'),
  exportRoute('/fhir/Patient/$export', 'patient', 'system/Patient.$export'),
  exportRoute('/fhir/Group/:id/$export', 'group', 'system/Group.$export'),
  apiRoute('GET', '/fhir/$bulkdata-status', '*', bulkStatus, { ownScopeCheck: true, operation: '$bulkdata-status' }),
  apiRoute('DELETE', '/fhir/$bulkdata-status', '*', bulkStatus, { ownScopeCheck: true, operation: '$bulkdata-status' }),
  apiRoute('POST', '/fhir/DocumentReference/$docref', 'DocumentReference', docref, { operation: '$docref', instance: false }),
  apiRoute('GET', '/fhir/Binary/:id', 'Binary', (ctx, params) => {
    const file = exportFile(ctx.state, params.id);
    if (file) {
      if (ctx.caller.role !== 'system') return ctx.state.errors.missingScope();
      return { status: 200, body: file.ndjson, headers: { 'Content-Type': 'application/fhir+ndjson' } };
    }
    const doc = ctx.state.data.child('document', params.id);
    if (!doc) return outcome(404, 'not-found', 'Binary not found');
    const content = doc.content
      ? Buffer.from(String(doc.content), 'base64')
      : Buffer.from('Visit summary generated by the OpenEMR simulator.\n');
    return { status: 200, body: content, headers: { 'Content-Type': String(doc.mimetype) } };
  }),
  apiRoute('GET', '/fhir/Group', 'Group', (ctx) => reply.fhir(200, bundle(ctx, [allPatientsGroup(ctx.state)], []))),
  apiRoute('GET', '/fhir/Group/:id', 'Group', (ctx, params) => {
    const g = allPatientsGroup(ctx.state);
    return g.id === params.id ? reply.fhir(200, g) : outcome(404, 'not-found', 'Group not found');
  }),
  // a search needs the `s` letter although the pattern ends in a parameter
  apiRoute(
    'GET',
    '/fhir/:type',
    (p) => p.type,
    (ctx, p) => searchType(ctx, p.type),
    { instance: false, exists: served },
  ),
  // RoutesExtensionListener.php:56 (8.x): POST <type>/_search is a search with the form body as parameters.
  apiRoute(
    'POST',
    '/fhir/:type/_search',
    (p) => p.type,
    (ctx, p) => searchType({ ...ctx, query: formQuery(ctx) }, p.type),
    { instance: false, exists: (p, flavor) => flavor === 8 && served(p, flavor) },
  ),
  apiRoute(
    'GET',
    '/fhir/:type/:id',
    (p) => p.type,
    (ctx, p) => readType(ctx, p.type, p.id),
    { exists: readable },
  ),
  apiRoute(
    'POST',
    '/fhir/:type',
    (p) => p.type,
    (ctx, p) => write(ctx, p.type),
    { exists: writable },
  ),
  apiRoute(
    'PUT',
    '/fhir/:type/:id',
    (p) => p.type,
    (ctx, p) => write(ctx, p.type, p.id),
    { exists: writable },
  ),
];
