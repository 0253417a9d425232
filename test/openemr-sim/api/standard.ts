/** The standard REST API under /apis/{site}/api (facts §5), table-driven over the one data set. */
import type { ChildKind, ChildRow, GlobalKind, PatientRecord, Row } from '../data/records.js';
import { OPTION_LISTS, INSURANCE_TYPES } from '../data/vocabulary.js';
import { multipartFile } from '../multipart.js';
import { fail, reply } from '../reply.js';
import type { Params } from '../router.js';
import { apiRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { itemReply, jsonBody, listReply, pagingOf, sortRows, validationReply, wanted } from './envelope.js';
import { mergeScalars, requireFields } from './writes.js';
import { filterPatients } from './patients.js';
import { randomUuid } from '../data/store.js';

const api = apiRoute;

// ---- parents ----

function badParent(field: string): never {
  return fail(validationReply({ [field]: `${field} is invalid or does not exist` }));
}

function patientByPuuid(ctx: ApiContext, puuid: string): PatientRecord {
  return ctx.state.data.patientByUuid(puuid) ?? badParent('puuid');
}

function patientByPid(ctx: ApiContext, pid: string): PatientRecord {
  return ctx.state.data.patientByPid(Number(pid)) ?? badParent('pid');
}

type ParentKey = 'puuid' | 'pid';
function parentOf(ctx: ApiContext, params: Params, key: ParentKey): PatientRecord {
  return key === 'puuid' ? patientByPuuid(ctx, params.puuid) : patientByPid(ctx, params.pid);
}

function withPuuid(ctx: ApiContext, row: ChildRow): Row {
  return { ...row, puuid: ctx.state.data.patientByPid(row.pid)?.uuid ?? null };
}

// ---- generic child collections ----

interface ChildSpec {
  kind: ChildKind;
  /** the URL segment under /api/patient/:parent/ */
  path: string;
  parent: ParentKey;
  /** uuid or numeric id in the instance segment */
  idBy: 'uuid' | 'id';
  methods: Array<'list' | 'get' | 'post' | 'put' | 'delete'>;
  required?: string[];
  createStatus?: number;
  /** narrows rows below the patient (vitals and SOAP notes of one encounter) */
  encounterScoped?: boolean;
}

function findChild(ctx: ApiContext, spec: ChildSpec, patient: PatientRecord, id: string, eid?: number): ChildRow | undefined {
  return ctx.state.data.childrenOf(patient.pid)[spec.kind].find(
    (r) => (spec.idBy === 'uuid' ? r.uuid === id : String(r.id) === id) && (eid === undefined || r.eid === eid),
  );
}

function encounterOf(ctx: ApiContext, patient: PatientRecord, eid: string): number {
  const enc = ctx.state.data.childrenOf(patient.pid).encounter.find((e) => String(e.id) === eid);
  return enc ? enc.id : badParent('eid');
}

function childRoutes(spec: ChildSpec): ApiRoute[] {
  const base = `/api/patient/:${spec.parent}${spec.encounterScoped ? '/encounter/:eid' : ''}/${spec.path}`;
  const scopeName = spec.kind;
  const rows = (ctx: ApiContext, params: Params) => {
    const patient = parentOf(ctx, params, spec.parent);
    const eid = spec.encounterScoped ? encounterOf(ctx, patient, params.eid) : undefined;
    return { patient, eid, list: ctx.state.data.childrenOf(patient.pid)[spec.kind].filter((r) => eid === undefined || r.eid === eid) };
  };
  const out: ApiRoute[] = [];
  if (spec.methods.includes('list')) {
    out.push(api('GET', base, scopeName, (ctx, params) => {
      const p = pagingOf(ctx.query);
      return listReply(ctx, sortRows(rows(ctx, params).list.map((r) => withPuuid(ctx, r)), p.sort), p);
    }));
  }
  if (spec.methods.includes('get')) {
    out.push(api('GET', `${base}/:id`, scopeName, (ctx, params) => {
      const { patient, eid } = rows(ctx, params);
      const row = findChild(ctx, spec, patient, params.id, eid);
      return itemReply(row && withPuuid(ctx, row));
    }));
  }
  if (spec.methods.includes('post')) {
    out.push(api('POST', base, scopeName, (ctx, params) => {
      const { patient, eid } = rows(ctx, params);
      const body = jsonBody(ctx);
      requireFields(body, spec.required ?? []);
      const identity = ctx.state.data.newChildIdentity(patient.pid);
      const row = mergeScalars({ ...identity, ...(eid === undefined ? {} : { eid, encounter: eid }) } as ChildRow, body);
      if (spec.kind === 'encounter') Object.assign(row, { encounter: row.id, eid: row.id, date: row.date ?? new Date().toISOString().slice(0, 19).replace('T', ' ') });
      if (spec.kind === 'appointment') Object.assign(row, { pc_eid: row.id, pc_uuid: row.uuid, pc_pid: String(patient.pid) });
      ctx.state.data.putChild(spec.kind, row);
      return itemReply(withPuuid(ctx, row), spec.createStatus ?? 200);
    }));
  }
  if (spec.methods.includes('put')) {
    out.push(api('PUT', `${base}/:id`, scopeName, (ctx, params) => {
      const { patient, eid } = rows(ctx, params);
      const existing = findChild(ctx, spec, patient, params.id, eid);
      if (!existing) return itemReply(undefined);
      const row = mergeScalars(existing, jsonBody(ctx), ['id', 'uuid', 'pid', 'eid', 'encounter']);
      ctx.state.data.putChild(spec.kind, row);
      return itemReply(withPuuid(ctx, row));
    }));
  }
  if (spec.methods.includes('delete')) {
    out.push(api('DELETE', `${base}/:id`, scopeName, (ctx, params) => {
      const { patient } = rows(ctx, params);
      const existing = findChild(ctx, spec, patient, params.id);
      if (!existing) return itemReply(undefined);
      ctx.state.data.deleteChild(spec.kind, patient.pid, existing.id);
      return reply.json(200, { validationErrors: [], internalErrors: [], data: { message: 'record deleted' } });
    }));
  }
  return out;
}

/** GET /api/<kind>[/:uuid] across all patients. */
function crossPatientRoutes(kind: ChildKind, path: string = kind): ApiRoute[] {
  return [
    api('GET', `/api/${path}`, kind, (ctx) => {
      const p = pagingOf(ctx.query);
      const found = ctx.state.data.allChildren(kind, p.sort ? Infinity : wanted(p));
      return listReply(ctx, sortRows(found.map((r) => withPuuid(ctx, r)), p.sort), p);
    }),
    api('GET', `/api/${path}/:uuid`, kind, (ctx, params) => {
      const row = /^\d+$/.test(params.uuid) ? ctx.state.data.child(kind, Number(params.uuid)) : ctx.state.data.child(kind, params.uuid);
      return itemReply(row && withPuuid(ctx, row));
    }),
  ];
}

// ---- shared tables (practitioners, facilities, insurance companies, users, drugs) ----

function globalRoutes(kind: GlobalKind, idBy: 'uuid' | 'id', writable: boolean, required: string[] = []): ApiRoute[] {
  const find = (ctx: ApiContext, id: string) => ctx.state.data.globals[kind].find((r) => String(r[idBy]) === id);
  const out: ApiRoute[] = [
    api('GET', `/api/${kind}`, kind, (ctx) => {
      const p = pagingOf(ctx.query);
      const filters = [...ctx.query].filter(([k]) => !k.startsWith('_'));
      const rows = ctx.state.data.globals[kind].filter((r) => filters.every(([k, v]) => String(r[k] ?? '').toLowerCase().startsWith(v.toLowerCase())));
      return listReply(ctx, sortRows(rows, p.sort), p);
    }),
    api('GET', `/api/${kind}/:id`, kind, (ctx, params) => itemReply(find(ctx, params.id))),
  ];
  if (writable) {
    out.push(
      api('POST', `/api/${kind}`, kind, (ctx) => {
        const body = jsonBody(ctx);
        requireFields(body, required);
        const id = ctx.state.data.nextGlobalId(kind);
        const row = mergeScalars({ id, uuid: randomUuid() } as Row, body, ['id', 'uuid']);
        ctx.state.data.putGlobal(kind, row);
        return itemReply(row, 201);
      }),
      api('PUT', `/api/${kind}/:id`, kind, (ctx, params) => {
        const existing = find(ctx, params.id);
        if (!existing) return itemReply(undefined);
        const row = mergeScalars(existing, jsonBody(ctx), ['id', 'uuid']);
        ctx.state.data.putGlobal(kind, row);
        return itemReply(row);
      }),
    );
  }
  return out;
}

// ---- patients ----

const PATIENT_REQUIRED = ['fname', 'lname', 'DOB', 'sex'];

const patientRoutes: ApiRoute[] = [
  api('GET', '/api/patient', 'patient', (ctx) => {
    const p = pagingOf(ctx.query);
    return listReply(ctx, filterPatients(ctx.state.data, ctx.query, p), p);
  }),
  api('GET', '/api/patient/:puuid', 'patient', (ctx, params) => {
    const pt = ctx.state.data.patientByUuid(params.puuid);
    return itemReply(pt);
  }),
  api('POST', '/api/patient', 'patient', (ctx) => {
    const body = jsonBody(ctx);
    requireFields(body, PATIENT_REQUIRED);
    const { pid, uuid } = ctx.state.data.newPatientIdentity();
    const blank: PatientRecord = { id: pid, pid, uuid, pubpid: String(pid), title: '', fname: '', mname: '', lname: '', DOB: '', sex: '', ss: '', street: '', city: '', state: '', postal_code: '', country_code: 'US', phone_home: '', phone_biz: '', phone_cell: '', email: '', race: '', ethnicity: '', status: '', date: new Date().toISOString().slice(0, 19).replace('T', ' ') };
    const row = mergeScalars(blank, body);
    ctx.state.data.putPatient(row);
    return itemReply({ pid, uuid }, 201);
  }),
  api('PUT', '/api/patient/:puuid', 'patient', (ctx, params) => {
    const existing = ctx.state.data.patientByUuid(params.puuid);
    if (!existing) return itemReply(undefined);
    const body = jsonBody(ctx);
    requireFields(body, []);
    const row = mergeScalars(existing, body, ['id', 'uuid', 'pid', 'pubpid']);
    ctx.state.data.putPatient(row);
    return itemReply(row);
  }),
];

// ---- documents ----

const documentRoutes: ApiRoute[] = [
  api('GET', '/api/patient/:pid/document', 'document', (ctx, params) => {
    const patient = patientByPid(ctx, params.pid);
    const path = ctx.query.get('path');
    if (!path) return validationReply({ path: 'path must be provided, but does not exist' });
    const docs = ctx.state.data.childrenOf(patient.pid).document.filter((d) => d.path === path.replace(/ /g, '_'));
    return reply.json(200, docs.map((d) => ({ id: String(d.id), filename: d.filename, mimetype: d.mimetype, docdate: d.docdate })));
  }),
  api('POST', '/api/patient/:pid/document', 'document', (ctx, params) => {
    const patient = patientByPid(ctx, params.pid);
    const path = ctx.query.get('path');
    const file = multipartFile(ctx.req.headers['content-type'], ctx.body);
    if (!path || !file) return validationReply({ document: 'a multipart field "document" with a file and a ?path= category are required' });
    const identity = ctx.state.data.newChildIdentity(patient.pid);
    const row: ChildRow = { ...identity, filename: file.filename, mimetype: file.contentType, docdate: new Date().toISOString().slice(0, 10), category: path, path: path.replace(/ /g, '_'), size: file.data.length, content: file.data.toString('base64') };
    ctx.state.data.putChild('document', row);
    return reply.json(200, true);
  }),
  api('GET', '/api/patient/:pid/document/:did', 'document', (ctx, params) => {
    const patient = patientByPid(ctx, params.pid);
    const doc = ctx.state.data.childrenOf(patient.pid).document.find((d) => String(d.id) === params.did);
    if (!doc) return itemReply(undefined);
    const data = doc.content ? Buffer.from(String(doc.content), 'base64') : Buffer.from(`Visit summary for ${patient.fname} ${patient.lname}\nGenerated by the OpenEMR simulator.\n`);
    return { status: 200, body: data, headers: { 'Content-Type': String(doc.mimetype), 'Content-Disposition': `attachment; filename="${String(doc.filename)}"` } };
  }),
];

/** Listed before insurance/:uuid so the literal segment wins. */
const swapInsuranceRoute: ApiRoute =
  api('GET', '/api/patient/:puuid/insurance/$swap-insurance', 'insurance', (ctx, params) => {
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
  }, { v8: true, instance: false });

// ---- small fixed answers ----

const fixedRoutes: ApiRoute[] = [
  api('GET', '/api/list/:list_name', 'list', (ctx, params) => {
    const list = OPTION_LISTS[params.list_name] ?? [];
    return listReply(ctx, list.map(([option_id, title], i) => ({ list_id: params.list_name, option_id, title, seq: (i + 1) * 10, is_default: 0, activity: 1 })));
  }, { instance: false }),
  api('GET', '/api/insurance_type', 'insurance_type', (ctx) => listReply(ctx, INSURANCE_TYPES.map((t, i) => ({ id: i + 1, type: t })))),
  api('GET', '/api/version', 'version', (ctx) => itemReply(ctx.state.flavor === 7 ? { v_major: '7', v_minor: '0', v_patch: '3', v_tag: '', v_realpatch: '3', v_database: 501, v_acl: 12 } : { v_major: '8', v_minor: '0', v_patch: '1', v_tag: '-dev', v_realpatch: '0', v_database: 530, v_acl: 13 }), { open: true }),
  api('GET', '/api/product', 'product', () => itemReply({ name: 'OpenEMR', version: 'simulator', registration_id: null }), { open: true }),
  api('GET', '/api/patient/:puuid/employer', 'employer', (ctx, params) => {
    const patient = patientByPuuid(ctx, params.puuid);
    return listReply(ctx, ctx.state.data.childrenOf(patient.pid).employer.map((r) => withPuuid(ctx, r)));
  }),
  api('PUT', '/api/transaction/:tid', 'transaction', (ctx, params) => {
    const existing = /^\d+$/.test(params.tid) ? ctx.state.data.child('transaction', Number(params.tid)) : undefined;
    if (!existing) return itemReply(undefined);
    const row = mergeScalars(existing, jsonBody(ctx));
    ctx.state.data.putChild('transaction', row);
    return itemReply(row);
  }),
  api('POST', '/api/prescription', 'prescription', (ctx) => {
    const body = jsonBody(ctx);
    requireFields(body, ['pid', 'drug']);
    const patient = patientByPid(ctx, String(body.pid));
    const row = mergeScalars({ ...ctx.state.data.newChildIdentity(patient.pid), active: 1 } as ChildRow, body);
    ctx.state.data.putChild('prescription', row);
    return itemReply(withPuuid(ctx, row), 201);
  }, { v8: true }),
  api('DELETE', '/api/prescription/:uuid', 'prescription', (ctx, params) => {
    const row = ctx.state.data.child('prescription', params.uuid);
    if (!row) return itemReply(undefined);
    ctx.state.data.deleteChild('prescription', row.pid, row.id);
    return reply.json(200, { validationErrors: [], internalErrors: [], data: { message: 'record deleted' } });
  }, { v8: true }),
];

const LIST_FIELDS = ['title', 'begdate'];

export const STANDARD_ROUTES: ApiRoute[] = [
  ...patientRoutes,
  ...childRoutes({ kind: 'encounter', path: 'encounter', parent: 'puuid', idBy: 'uuid', methods: ['list', 'get', 'post', 'put'], createStatus: 201 }),
  ...childRoutes({ kind: 'vital', path: 'vital', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'put'], encounterScoped: true }),
  ...childRoutes({ kind: 'soap_note', path: 'soap_note', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'put'], encounterScoped: true }),
  ...childRoutes({ kind: 'medical_problem', path: 'medical_problem', parent: 'puuid', idBy: 'uuid', methods: ['list', 'get', 'post', 'put', 'delete'], required: LIST_FIELDS, createStatus: 201 }),
  ...childRoutes({ kind: 'allergy', path: 'allergy', parent: 'puuid', idBy: 'uuid', methods: ['list', 'get', 'post', 'put', 'delete'], required: LIST_FIELDS, createStatus: 201 }),
  ...childRoutes({ kind: 'medication', path: 'medication', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'put', 'delete'], required: LIST_FIELDS }),
  ...childRoutes({ kind: 'surgery', path: 'surgery', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'put', 'delete'], required: LIST_FIELDS }),
  ...childRoutes({ kind: 'dental_issue', path: 'dental_issue', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'put', 'delete'], required: LIST_FIELDS }),
  ...childRoutes({ kind: 'appointment', path: 'appointment', parent: 'pid', idBy: 'id', methods: ['list', 'get', 'post', 'delete'], required: ['pc_catid', 'pc_title', 'pc_eventDate', 'pc_startTime'] }),
  swapInsuranceRoute,
  ...childRoutes({ kind: 'insurance', path: 'insurance', parent: 'puuid', idBy: 'uuid', methods: ['list', 'get', 'post', 'put'], required: ['type', 'provider', 'policy_number'], createStatus: 201 }),
  ...childRoutes({ kind: 'message', path: 'message', parent: 'pid', idBy: 'id', methods: ['post', 'put', 'delete'], required: ['body', 'groupname', 'from', 'to', 'title', 'message_status'] }),
  ...childRoutes({ kind: 'transaction', path: 'transaction', parent: 'pid', idBy: 'id', methods: ['list', 'post'], required: ['title', 'body'] }),
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
];

export function routesFor(flavor: 7 | 8): ApiRoute[] {
  return flavor === 8 ? STANDARD_ROUTES : STANDARD_ROUTES.filter((r) => !r.v8);
}

