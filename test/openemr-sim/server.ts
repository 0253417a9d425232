/** The HTTP server: reads capped bodies, dispatches by path prefix, adds latency and seeded failures. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ADMIN_PATH, adminPage } from './admin-page.js';
import { handleApis } from './api/index.js';
import { controls } from './controls.js';
import { BodyTooLarge, readBody, send } from './http.js';
import { handleOAuth } from './oauth/index.js';
import { reply, ReplyError, type Reply } from './reply.js';
import type { RequestContext } from './router.js';
import type { SimState } from './state.js';

const SITE_PATH = /^\/(oauth2|apis)\/([^/]*)(\/.*)?$/;

function writeReply(res: ServerResponse, r: Reply): void {
  if (r.json !== undefined) {
    send(res, r.status, JSON.stringify(r.json), { 'Content-Type': 'application/json', ...r.headers });
  } else {
    send(res, r.status, r.body ?? '', r.headers);
  }
}

async function dispatch(state: SimState, ctx: RequestContext): Promise<Reply> {
  const path = ctx.url.pathname;
  if (path.startsWith('/__sim/') || path === '/__sim') return controls(ctx, path);
  if (path === ADMIN_PATH && (ctx.method === 'GET' || ctx.method === 'POST')) return adminPage(ctx);
  // 8.x's health probes (tests/Tests/Api/HealthEndpointTest.php): JSON, no token, no site.
  if (state.flavor === 8 && ctx.method === 'GET' && path === '/meta/health/livez') return reply.json(200, { status: 'alive' });
  if (state.flavor === 8 && ctx.method === 'GET' && path === '/meta/health/readyz')
    return reply.json(200, { status: 'ready', checks: { installed: true, database: true } });
  const m = SITE_PATH.exec(path);
  if (!m) return { status: 404, body: 'Not Found', headers: { 'Content-Type': 'text/plain' } };
  const [, area, site, rest = ''] = m;
  if (!/^[A-Za-z0-9_-]+$/.test(site) || !state.options.sites.includes(site)) return state.errors.unknownSite();
  if (state.options.failRate > 0 && state.failRng.next() < state.options.failRate) return state.errors.serverError();
  const siteCtx = { ...ctx, site };
  return area === 'oauth2' ? handleOAuth(siteCtx, rest) : handleApis(siteCtx, rest);
}

/** Browser apps (a React front end, a SMART app) call OpenEMR cross-origin; OpenEMR answers with CORS headers. */
function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

function preflight(req: IncomingMessage): Reply | undefined {
  if (req.method !== 'OPTIONS' || !req.headers.origin || !req.headers['access-control-request-method']) return undefined;
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type'),
      'Access-Control-Max-Age': '600',
    },
  };
}

async function handle(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.counters.requests++;
  const method = req.method ?? 'GET';
  state.counters.byMethod[method] = (state.counters.byMethod[method] ?? 0) + 1;
  let r: Reply;
  const early = preflight(req);
  if (early) {
    writeReply(res, { ...early, headers: { ...early.headers, ...corsHeaders(req) } });
    return;
  }
  try {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const body = await readBody(req);
    r = await dispatch(state, {
      state,
      req,
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      query: url.searchParams,
      site: '',
      body,
    });
  } catch (e) {
    if (e instanceof ReplyError) r = e.reply;
    else if (e instanceof BodyTooLarge) r = { status: 413 };
    else {
      if (!state.options.quiet) console.error('simulator error:', e instanceof Error ? e.message : String(e));
      r = state.errors.serverError();
    }
  }
  if (state.options.latency > 0 && !(req.url ?? '').startsWith('/__sim'))
    await new Promise((ok) => setTimeout(ok, state.options.latency));
  if (r.status === 413) res.setHeader('Connection', 'close');
  writeReply(res, { ...r, headers: { ...r.headers, ...corsHeaders(req) } });
}

export function createSimServer(state: SimState): Server {
  return createServer((req, res) => {
    handle(state, req, res).catch(() => send(res, 500));
  });
}
