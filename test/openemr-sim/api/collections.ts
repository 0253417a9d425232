/** Route builders for the standard API's tables: per-patient collections, cross-patient lists, shared tables. */
import { sqlNow, type ChildKind, type ChildRow, type GlobalKind, type PatientRecord, type Row } from '../data/records.js';
import { randomUuid } from '../data/store.js';
import { reply } from '../reply.js';
import type { Params } from '../router.js';
import { apiRoute as api, type ApiContext, type ApiRoute } from './api-route.js';
import { itemReply, jsonBody, listReply, pagingOf, sortRows, unknownIdReply, wanted } from './envelope.js';
import { badParent, parentOf, withPuuid, type ParentKey } from './parents.js';
import { mergeScalars, requireFields } from './writes.js';

export interface ChildSpec {
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
  const rows = ctx.state.data.childrenOf(patient.pid)[spec.kind];
  return rows.find((r) => (spec.idBy === 'uuid' ? r.uuid === id : String(r.id) === id) && (eid === undefined || r.eid === eid));
}

function encounterOf(ctx: ApiContext, patient: PatientRecord, eid: string): number {
  const enc = ctx.state.data.childrenOf(patient.pid).encounter.find((e) => String(e.id) === eid);
  return enc ? enc.id : badParent('eid');
}

export function childRoutes(spec: ChildSpec): ApiRoute[] {
  const base = `/api/patient/:${spec.parent}${spec.encounterScoped ? '/encounter/:eid' : ''}/${spec.path}`;
  const scopeName = spec.kind;
  const rows = (ctx: ApiContext, params: Params) => {
    const patient = parentOf(ctx, params, spec.parent);
    const eid = spec.encounterScoped ? encounterOf(ctx, patient, params.eid) : undefined;
    return {
      patient,
      eid,
      list: ctx.state.data.childrenOf(patient.pid)[spec.kind].filter((r) => eid === undefined || r.eid === eid),
    };
  };
  const out: ApiRoute[] = [];
  if (spec.methods.includes('list')) {
    out.push(
      api('GET', base, scopeName, (ctx, params) => {
        const p = pagingOf(ctx.query);
        return listReply(
          ctx,
          sortRows(
            rows(ctx, params).list.map((r) => withPuuid(ctx, r)),
            p.sort,
          ),
          p,
        );
      }),
    );
  }
  if (spec.methods.includes('get')) {
    out.push(
      api('GET', `${base}/:id`, scopeName, (ctx, params) => {
        const { patient, eid } = rows(ctx, params);
        const row = findChild(ctx, spec, patient, params.id, eid);
        return itemReply(row && withPuuid(ctx, row));
      }),
    );
  }
  if (spec.methods.includes('post')) {
    out.push(
      api('POST', base, scopeName, (ctx, params) => {
        const { patient, eid } = rows(ctx, params);
        const body = jsonBody(ctx);
        requireFields(body, spec.required ?? []);
        const identity = ctx.state.data.newChildIdentity(patient.pid);
        const row = mergeScalars({ ...identity, ...(eid === undefined ? {} : { eid, encounter: eid }) } as ChildRow, body);
        if (spec.kind === 'encounter') Object.assign(row, { encounter: row.id, eid: row.id, date: row.date ?? sqlNow() });
        if (spec.kind === 'appointment') Object.assign(row, { pc_eid: row.id, pc_uuid: row.uuid, pc_pid: String(patient.pid) });
        ctx.state.data.putChild(spec.kind, row);
        return itemReply(withPuuid(ctx, row), spec.createStatus ?? 200);
      }),
    );
  }
  if (spec.methods.includes('put')) {
    out.push(
      api('PUT', `${base}/:id`, scopeName, (ctx, params) => {
        const { patient, eid } = rows(ctx, params);
        const existing = findChild(ctx, spec, patient, params.id, eid);
        if (!existing) return itemReply(undefined);
        const row = mergeScalars(existing, jsonBody(ctx), ['id', 'uuid', 'pid', 'eid', 'encounter']);
        ctx.state.data.putChild(spec.kind, row);
        return itemReply(withPuuid(ctx, row));
      }),
    );
  }
  if (spec.methods.includes('delete')) {
    out.push(
      api('DELETE', `${base}/:id`, scopeName, (ctx, params) => {
        const { patient } = rows(ctx, params);
        const existing = findChild(ctx, spec, patient, params.id);
        if (!existing) return itemReply(undefined);
        ctx.state.data.deleteChild(spec.kind, patient.pid, existing.id);
        return reply.json(200, { validationErrors: [], internalErrors: [], data: { message: 'record deleted' } });
      }),
    );
  }
  return out;
}

/** GET /api/<kind>[/:uuid] across all patients. */
export function crossPatientRoutes(kind: ChildKind, path: string = kind): ApiRoute[] {
  return [
    api('GET', `/api/${path}`, kind, (ctx) => {
      const p = pagingOf(ctx.query);
      const found = ctx.state.data.allChildren(kind, p.sort ? Infinity : wanted(p));
      return listReply(
        ctx,
        sortRows(
          found.map((r) => withPuuid(ctx, r)),
          p.sort,
        ),
        p,
      );
    }),
    api('GET', `/api/${path}/:uuid`, kind, (ctx, params) => {
      const row = /^\d+$/.test(params.uuid)
        ? ctx.state.data.child(kind, Number(params.uuid))
        : ctx.state.data.child(kind, params.uuid);
      return itemReply(row && withPuuid(ctx, row));
    }),
  ];
}

// ---- shared tables (practitioners, facilities, insurance companies, users, drugs) ----

/** Facilities and practitioners validate their uuid (400 with validationErrors) and answer a POST with the ids only. */
const VALIDATES_ID = new Set<GlobalKind>(['facility', 'practitioner']);

export function globalRoutes(kind: GlobalKind, idBy: 'uuid' | 'id', writable: boolean, required: string[] = []): ApiRoute[] {
  const validatesId = VALIDATES_ID.has(kind);
  const find = (ctx: ApiContext, id: string) => ctx.state.data.globals[kind].find((r) => String(r[idBy]) === id);
  const out: ApiRoute[] = [
    api('GET', `/api/${kind}`, kind, (ctx) => {
      const p = pagingOf(ctx.query);
      const filters = [...ctx.query].filter(([k]) => !k.startsWith('_'));
      const rows = ctx.state.data.globals[kind].filter((r) =>
        filters.every(([k, v]) =>
          String(r[k] ?? '')
            .toLowerCase()
            .startsWith(v.toLowerCase()),
        ),
      );
      return listReply(ctx, sortRows(rows, p.sort), p);
    }),
    api('GET', `/api/${kind}/:id`, kind, (ctx, params) => {
      const row = find(ctx, params.id);
      return !row && validatesId ? unknownIdReply('uuid', params.id) : itemReply(row);
    }),
  ];
  if (writable) {
    out.push(
      api('POST', `/api/${kind}`, kind, (ctx) => {
        const body = jsonBody(ctx);
        requireFields(body, required);
        const id = ctx.state.data.nextGlobalId(kind);
        const row = mergeScalars({ id, uuid: randomUuid() } as Row, body, ['id', 'uuid']);
        ctx.state.data.putGlobal(kind, row);
        // FacilityService.php:401-404, PractitionerService.php:221-224: the insert answers the ids only.
        return itemReply(validatesId ? { id: row.id, uuid: row.uuid } : row, 201);
      }),
      api('PUT', `/api/${kind}/:id`, kind, (ctx, params) => {
        const existing = find(ctx, params.id);
        if (!existing && validatesId) return unknownIdReply('uuid', params.id);
        if (!existing) return itemReply(undefined);
        const row = mergeScalars(existing, jsonBody(ctx), ['id', 'uuid']);
        ctx.state.data.putGlobal(kind, row);
        return itemReply(row);
      }),
    );
  }
  return out;
}
