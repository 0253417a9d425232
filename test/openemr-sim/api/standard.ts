/** The standard REST API under /apis/{site}/api (facts §5), table-driven over the one data set. */
import { blankPatient, type ChildRow } from '../data/records.js';
import { INSURANCE_TYPES, OPTION_LISTS } from '../data/vocabulary.js';
import { apiRoute as api, type ApiRoute } from './api-route.js';
import { BACKGROUND_SERVICE_ROUTES } from './background-services.js';
import { childRoutes, crossPatientRoutes, globalRoutes } from './collections.js';
import { documentRoutes } from './documents.js';
import { envelopeReply, itemReply, jsonBody, listReply, pagingOf, unknownIdReply, validationReply } from './envelope.js';
import { patientByPid, patientByPuuid, withPuuid } from './parents.js';
import { filterPatients } from './patients.js';
import { mergeScalars, requireFields } from './writes.js';

// ---- patients ----

const PATIENT_REQUIRED = ['fname', 'lname', 'DOB', 'sex'];

const patientRoutes: ApiRoute[] = [
  api('GET', '/api/patient', 'patient', (ctx) => {
    const p = pagingOf(ctx.query);
    return listReply(ctx, filterPatients(ctx.state.data, ctx.query, p), p);
  }),
  api('GET', '/api/patient/:puuid', 'patient', (ctx, params) => {
    const pt = ctx.state.data.patientByUuid(params.puuid);
    return pt ? itemReply(pt) : unknownIdReply('uuid', params.puuid);
  }),
  api('POST', '/api/patient', 'patient', (ctx) => {
    const body = jsonBody(ctx);
    requireFields(body, PATIENT_REQUIRED);
    const { pid, uuid } = ctx.state.data.newPatientIdentity();
    const row = mergeScalars(blankPatient(pid, uuid), body);
    ctx.state.data.putPatient(row);
    return itemReply({ pid, uuid }, 201);
  }),
  api('PUT', '/api/patient/:puuid', 'patient', (ctx, params) => {
    const existing = ctx.state.data.patientByUuid(params.puuid);
    if (!existing) return unknownIdReply('uuid', params.puuid);
    const body = jsonBody(ctx);
    requireFields(body, []);
    const row = mergeScalars(existing, body, ['id', 'uuid', 'pid', 'pubpid']);
    ctx.state.data.putPatient(row);
    return itemReply(row);
  }),
];

/** Listed before insurance/:uuid so the literal segment wins. */
const swapInsuranceRoute: ApiRoute = api(
  'GET',
  '/api/patient/:puuid/insurance/$swap-insurance',
  'insurance',
  (ctx, params) => {
    const patient = patientByPuuid(ctx, params.puuid);
    const type = ctx.query.get('type');
    const target = ctx.query.get('uuid');
    const rows = ctx.state.data.childrenOf(patient.pid).insurance;
    const moving = rows.find((r) => r.uuid === target);
    if (!type || !moving) return validationReply({ type: 'type and uuid are required' });
    const holder = rows.find((r) => r.type === type);
    if (holder) ctx.state.data.putChild('insurance', { ...holder, type: String(moving.type) });
    ctx.state.data.putChild('insurance', { ...moving, type });
    return itemReply(withPuuid(ctx, { ...moving, type }));
  },
  { operation: '$swap-insurance' },
);

// ---- small fixed answers ----

/** The `version` table of each release. */
const VERSIONS = {
  '7.0.3': { v_major: '7', v_minor: '0', v_patch: '3', v_tag: '', v_realpatch: '3', v_database: 501, v_acl: 12 },
  '8.0.0': { v_major: '8', v_minor: '0', v_patch: '0', v_tag: '', v_realpatch: '0', v_database: 530, v_acl: 13 },
  '8.1.0': { v_major: '8', v_minor: '1', v_patch: '0', v_tag: '', v_realpatch: '0', v_database: 535, v_acl: 13 },
};

const fixedRoutes: ApiRoute[] = [
  api(
    'GET',
    '/api/list/:list_name',
    'list',
    (ctx, params) => {
      const list = OPTION_LISTS[params.list_name] ?? [];
      return listReply(
        ctx,
        list.map(([option_id, title], i) => ({
          list_id: params.list_name,
          option_id,
          title,
          seq: (i + 1) * 10,
          is_default: 0,
          activity: 1,
        })),
      );
    },
    // a list of options, but OpenEMR checks `list.r` (the route ends in a parameter)
    { instance: true },
  ),
  api('GET', '/api/insurance_type', 'insurance_type', (ctx) =>
    listReply(
      ctx,
      INSURANCE_TYPES.map((t, i) => ({ id: i + 1, type: t })),
    ),
  ),
  api('GET', '/api/version', 'version', (ctx) => itemReply(VERSIONS[ctx.state.release]), { open: '8.x' }),
  api('GET', '/api/product', 'product', () => itemReply({ name: 'OpenEMR', version: 'simulator', registration_id: null }), {
    open: '8.x',
  }),
  api('GET', '/api/patient/:puuid/employer', 'employer', (ctx, params) => {
    const patient = patientByPuuid(ctx, params.puuid);
    return listReply(
      ctx,
      ctx.state.data.childrenOf(patient.pid).employer.map((r) => withPuuid(ctx, r)),
    );
  }),
  api('PUT', '/api/transaction/:tid', 'transaction', (ctx, params) => {
    const existing = /^\d+$/.test(params.tid) ? ctx.state.data.child('transaction', Number(params.tid)) : undefined;
    if (!existing) return itemReply(undefined);
    const row = mergeScalars(existing, jsonBody(ctx));
    ctx.state.data.putChild('transaction', row);
    return itemReply(row);
  }),
  api(
    'POST',
    '/api/prescription',
    'prescription',
    (ctx) => {
      const body = jsonBody(ctx);
      requireFields(body, ['pid', 'drug']);
      const patient = patientByPid(ctx, String(body.pid));
      const row = mergeScalars({ ...ctx.state.data.newChildIdentity(patient.pid), active: 1 } as ChildRow, body);
      ctx.state.data.putChild('prescription', row);
      return itemReply(withPuuid(ctx, row), 201);
    },
    { v8: true },
  ),
  api(
    'DELETE',
    '/api/prescription/:uuid',
    'prescription',
    (ctx, params) => {
      const row = ctx.state.data.child('prescription', params.uuid);
      if (!row) return itemReply(undefined);
      ctx.state.data.deleteChild('prescription', row.pid, row.id);
      return envelopeReply({ message: 'record deleted' });
    },
    { v8: true },
  ),
];

const LIST_FIELDS = ['title', 'begdate'];

export const STANDARD_ROUTES: ApiRoute[] = [
  ...patientRoutes,
  ...childRoutes({
    kind: 'encounter',
    path: 'encounter',
    parent: 'puuid',
    idBy: 'uuid',
    methods: ['list', 'get', 'post', 'put'],
    createStatus: 201,
  }),
  ...childRoutes({
    kind: 'vital',
    path: 'vital',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'put'],
    encounterScoped: true,
  }),
  ...childRoutes({
    kind: 'soap_note',
    path: 'soap_note',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'put'],
    encounterScoped: true,
  }),
  ...childRoutes({
    kind: 'medical_problem',
    path: 'medical_problem',
    parent: 'puuid',
    idBy: 'uuid',
    methods: ['list', 'get', 'post', 'put', 'delete'],
    required: LIST_FIELDS,
    createStatus: 201,
  }),
  ...childRoutes({
    kind: 'allergy',
    path: 'allergy',
    parent: 'puuid',
    idBy: 'uuid',
    methods: ['list', 'get', 'post', 'put', 'delete'],
    required: LIST_FIELDS,
    createStatus: 201,
  }),
  ...childRoutes({
    kind: 'medication',
    path: 'medication',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'put', 'delete'],
    required: LIST_FIELDS,
  }),
  ...childRoutes({
    kind: 'surgery',
    path: 'surgery',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'put', 'delete'],
    required: LIST_FIELDS,
  }),
  ...childRoutes({
    kind: 'dental_issue',
    path: 'dental_issue',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'put', 'delete'],
    required: LIST_FIELDS,
  }),
  ...childRoutes({
    kind: 'appointment',
    path: 'appointment',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'get', 'post', 'delete'],
    required: ['pc_catid', 'pc_title', 'pc_eventDate', 'pc_startTime'],
  }),
  swapInsuranceRoute,
  ...childRoutes({
    kind: 'insurance',
    path: 'insurance',
    parent: 'puuid',
    idBy: 'uuid',
    methods: ['list', 'get', 'post', 'put'],
    required: ['type', 'provider', 'policy_number'],
    createStatus: 201,
  }),
  ...childRoutes({
    kind: 'message',
    path: 'message',
    parent: 'pid',
    idBy: 'id',
    methods: ['post', 'put', 'delete'],
    required: ['body', 'groupname', 'from', 'to', 'title', 'message_status'],
  }),
  ...childRoutes({
    kind: 'transaction',
    path: 'transaction',
    parent: 'pid',
    idBy: 'id',
    methods: ['list', 'post'],
    required: ['title', 'body'],
  }),
  ...documentRoutes,
  ...crossPatientRoutes('medical_problem'),
  ...crossPatientRoutes('allergy'),
  ...crossPatientRoutes('appointment'),
  ...crossPatientRoutes('immunization'),
  ...crossPatientRoutes('procedure'),
  ...crossPatientRoutes('prescription'),
  ...globalRoutes('facility', 'uuid', true, ['name', 'facility_npi']),
  ...globalRoutes('practitioner', 'uuid', true, ['fname', 'lname', 'npi']),
  ...globalRoutes('insurance_company', 'id', true, ['name']),
  ...globalRoutes('user', 'uuid', false),
  ...globalRoutes('drug', 'uuid', false),
  ...fixedRoutes,
  ...BACKGROUND_SERVICE_ROUTES,
];

export function routesFor(flavor: 7 | 8): ApiRoute[] {
  return flavor === 8 ? STANDARD_ROUTES : STANDARD_ROUTES.filter((r) => !r.v8);
}
