/** Resolving the patient named in a standard-API path, by uuid or by pid. */
import type { ChildRow, PatientRecord, Row } from '../data/records.js';
import { fail } from '../reply.js';
import type { Params } from '../router.js';
import type { ApiContext } from './api-route.js';
import { validationReply } from './envelope.js';

export function badParent(field: string): never {
  return fail(validationReply({ [field]: `${field} is invalid or does not exist` }));
}

export function patientByPuuid(ctx: ApiContext, puuid: string): PatientRecord {
  return ctx.state.data.patientByUuid(puuid) ?? badParent('puuid');
}

export function patientByPid(ctx: ApiContext, pid: string): PatientRecord {
  return ctx.state.data.patientByPid(Number(pid)) ?? badParent('pid');
}

export type ParentKey = 'puuid' | 'pid';
export function parentOf(ctx: ApiContext, params: Params, key: ParentKey): PatientRecord {
  return key === 'puuid' ? patientByPuuid(ctx, params.puuid) : patientByPid(ctx, params.pid);
}

export function withPuuid(ctx: ApiContext, row: ChildRow): Row {
  return { ...row, puuid: ctx.state.data.patientByPid(row.pid)?.uuid ?? null };
}
