/** A minimal route table: "/api/patient/:puuid/encounter" patterns, matched segment by segment. */
import type { IncomingMessage } from 'node:http';
import type { Reply } from './reply.js';
import type { SimState } from './state.js';

export interface RequestContext {
  state: SimState;
  req: IncomingMessage;
  method: string;
  url: URL;
  query: URLSearchParams;
  /** the multisite name from the path */
  site: string;
  /** already read and size-capped */
  body: Buffer;
}

export type Params = Record<string, string>;
export type Handler<C> = (ctx: C, params: Params) => Reply | Promise<Reply>;

export interface Route<C> {
  method: string;
  segments: string[];
  handler: Handler<C>;
}

export function route<C>(method: string, pattern: string, handler: Handler<C>): Route<C> {
  return { method, segments: pattern.split('/').filter(Boolean), handler };
}

export type Match<R> = { route: R; params: Params } | 'wrong-method' | undefined;

export function matchRoute<R extends { method: string; segments: string[] }>(
  routes: readonly R[],
  method: string,
  path: string,
): Match<R> {
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  let pathMatched = false;
  for (const r of routes) {
    if (r.segments.length !== parts.length) continue;
    const params: Params = {};
    const ok = r.segments.every((seg, i) => {
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = parts[i];
        return parts[i] !== '';
      }
      return seg === parts[i];
    });
    if (!ok) continue;
    if (r.method === method) return { route: r, params };
    pathMatched = true;
  }
  return pathMatched ? 'wrong-method' : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
