/** The patient portal API under /apis/{site}/portal (patient role, api:port; facts §5). */
import type { PatientRecord } from '../data/records.js';
import { reply } from '../reply.js';
import { apiRoute, type ApiContext, type ApiRoute } from './api-route.js';
import { itemReply, listReply } from './envelope.js';

function me(ctx: ApiContext): PatientRecord | undefined {
  return ctx.state.data.patientByUuid(ctx.caller.sub);
}

function childList(kind: 'encounter' | 'appointment') {
  return (ctx: ApiContext) => {
    const p = me(ctx);
    return p ? listReply(ctx, ctx.state.data.childrenOf(p.pid)[kind]) : reply.json(404, null);
  };
}

function childItem(kind: 'encounter' | 'appointment') {
  return (ctx: ApiContext, params: Record<string, string>) => {
    const p = me(ctx);
    return itemReply(p && ctx.state.data.childrenOf(p.pid)[kind].find((r) => r.uuid === params.uuid));
  };
}

export const PORTAL_ROUTES: ApiRoute[] = [
  apiRoute('GET', '/portal/patient', 'patient', (ctx) => itemReply(me(ctx))),
  apiRoute('GET', '/portal/patient/encounter', 'encounter', childList('encounter')),
  apiRoute('GET', '/portal/patient/encounter/:uuid', 'encounter', childItem('encounter')),
  apiRoute('GET', '/portal/patient/appointment', 'appointment', childList('appointment')),
  apiRoute('GET', '/portal/patient/appointment/:uuid', 'appointment', childItem('appointment')),
];
