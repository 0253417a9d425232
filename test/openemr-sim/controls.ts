/** /__sim/...: controls for tests and demos (not OpenEMR). JSON in, JSON out, loopback only. */
import { setClientEnabled } from './admin-page.js';
import { exportControl } from './fhir/bulk.js';
import { isLoopback } from './http.js';
import { reply, type Reply } from './reply.js';
import type { RequestContext } from './router.js';
import { GLOBAL_NAMES, type Globals, type SimState } from './state.js';

export function applyGlobals(state: SimState, changes: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(changes)) {
    if (!GLOBAL_NAMES.includes(name as keyof Globals)) return `unknown global ${name}`;
    const n = Number(value);
    const max = name === 'oauth_password_grant' ? 3 : 1;
    if (!Number.isInteger(n) || n < 0 || n > max) return `${name} must be an integer 0..${max}`;
  }
  for (const [name, value] of Object.entries(changes)) state.globals[name as keyof Globals] = Number(value);
  state.persist();
  return undefined;
}

function jsonObject(ctx: RequestContext): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(ctx.body.toString('utf8') || '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function controls(ctx: RequestContext, path: string): Reply {
  const { state } = ctx;
  if (!isLoopback(ctx.req)) return reply.json(403, { error: 'the /__sim controls answer loopback callers only' });
  const client = /^\/__sim\/clients\/([^/]+)\/(enable|disable)$/.exec(path);
  if (ctx.method === 'POST' && client) {
    const id = decodeURIComponent(client[1]);
    return setClientEnabled(state, id, client[2] === 'enable')
      ? reply.json(200, { client_id: id, enabled: client[2] === 'enable' })
      : reply.json(404, { error: `no client ${id}` });
  }
  if (ctx.method === 'GET' && path === '/__sim/clients') {
    return reply.json(
      200,
      [...state.clients.values()].map((c) => ({
        client_id: c.client_id,
        client_name: c.metadata.client_name ?? null,
        enabled: c.enabled,
        public: c.isPublic,
        scope: c.scopes.join(' '),
      })),
    );
  }
  if (path === '/__sim/globals') {
    if (ctx.method === 'GET') return reply.json(200, state.globals);
    if (ctx.method === 'POST') {
      const body = jsonObject(ctx);
      if (!body) return reply.json(400, { error: 'body must be a JSON object of OpenEMR global names' });
      const problem = applyGlobals(state, body);
      return problem ? reply.json(400, { error: problem }) : reply.json(200, state.globals);
    }
  }
  if (ctx.method === 'POST' && path === '/__sim/tokens/expire') {
    state.tokens.expireAll();
    state.persist();
    return reply.json(200, { expired: state.tokens.access.size });
  }
  if (ctx.method === 'POST' && path === '/__sim/tokens/revoke') {
    state.tokens.revokeAll();
    state.persist();
    return reply.json(200, { revoked: state.tokens.access.size + state.tokens.refresh.size });
  }
  if (ctx.method === 'POST' && path === '/__sim/reset') {
    state.resetAll();
    state.persist();
    return reply.json(200, { reset: true });
  }
  if (ctx.method === 'GET' && path === '/__sim/counters') return reply.json(200, state.counters);
  if (path === '/__sim/export') return exportControl(state, ctx.method, jsonObject(ctx) ?? {});
  return reply.json(404, { error: 'unknown simulator control' });
}
