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
  const writer = WRITERS[type];
  if (!writer) return ctx.state.errors.unsupportedMethod();
  if (ctx.caller.role !== 'users') return ctx.state.errors.insufficientPermissions();
  return writer(ctx.state, ctx.site, jsonBody(ctx), id);
}

/** $export needs a system token with the matching operation scope, and system scopes switched on. */
function exportRoute(pattern: string, level: ExportLevel, scope: string): ApiRoute {
  return apiRoute(
    'GET',
    pattern,
    'Patient',
    (ctx, params) => {
      const { state } = ctx;
      if (state.globals.rest_system_scopes_api !== 1 || ctx.caller.role !== 'system')
        return state.errors.insufficientPermissions();
      if (!hasOperation(ctx.caller.scopes, scope, 'system/*.$export')) return state.errors.missingScope();
      if (level === 'group' && params.id !== allPatientsGroup(state).id)
        return state.flavor === 8 ? unknownGroupKickOff(state, ctx.site) : outcome(404, 'not-found', 'Group not found');
      return kickOff(state, ctx.site, level, fullUrl(ctx), ctx.query, String(ctx.req.headers.prefer ?? ''));
    },
    { ownScopeCheck: true, instance: false },
  );
}

function bulkStatus(ctx: ApiContext): Reply {
  if (ctx.caller.role !== 'system' || !hasOperation(ctx.caller.scopes, 'system/*.$bulkdata-status', 'system/*.$export'))
    return ctx.state.errors.missingScope();
  return status(ctx.state, ctx.site, ctx.method, ctx.query.get('job'));
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
    open: true,
  }),
  apiRoute('GET', '/fhir/.well-known/smart-configuration', 'smart', (ctx) => smartConfiguration(ctx), { open: true }),
  apiRoute(
    'GET',
    '/fhir/OperationDefinition',
    'OperationDefinition',
    (ctx) => reply.fhir(200, bundle(ctx, OPERATION_DEFINITIONS, [])),
    { open: true },
  ),
  apiRoute(
    'GET',
    '/fhir/OperationDefinition/:id',
    'OperationDefinition',
    (_ctx, p) => {
      const found = OPERATION_DEFINITIONS.find((d) => d.id === p.id || d.name === p.id);
      return found ? reply.fhir(200, found) : outcome(404, 'not-found', `Resource OperationDefinition/${p.id} not found`);
    },
    { open: true },
  ),
  exportRoute('/fhir/$export', 'system', 'system/*.$export'),
  exportRoute('/fhir/Patient/$export', 'patient', 'system/Patient.$export'),
  exportRoute('/fhir/Group/:id/$export', 'group', 'system/Group.$export'),
  apiRoute('GET', '/fhir/$bulkdata-status', 'Binary', bulkStatus, { ownScopeCheck: true }),
  apiRoute('DELETE', '/fhir/$bulkdata-status', 'Binary', bulkStatus, { ownScopeCheck: true }),
  apiRoute(
    'GET',
    '/fhir/Binary/:id',
    'Binary',
    (ctx, params) => {
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
    },
    { ownScopeCheck: true },
  ),
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
  apiRoute(
    'GET',
    '/fhir/:type/:id',
    (p) => p.type,
    (ctx, p) => readType(ctx, p.type, p.id),
    { exists: served },
  ),
  apiRoute(
    'POST',
    '/fhir/:type',
    (p) => p.type,
    (ctx, p) => write(ctx, p.type),
    { exists: served },
  ),
  apiRoute(
    'PUT',
    '/fhir/:type/:id',
    (p) => p.type,
    (ctx, p) => write(ctx, p.type, p.id),
    { exists: served },
  ),
];
