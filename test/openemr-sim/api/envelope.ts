/** The standard API's envelope and paging (facts §5), including the links quirk (_count in place of _limit). */
import type { Row } from '../data/records.js';
import { fail, reply, type Reply } from '../reply.js';
import type { RequestContext } from '../router.js';

export const MAX_LIMIT = 200;

export interface Paging {
  limit: number; // 0 = unlimited
  offset: number;
  sort: string;
}

function nonNegative(v: string | null): number {
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n > 0 ? n : 0;
}

export function pagingOf(query: URLSearchParams): Paging {
  const limit = Math.min(MAX_LIMIT, nonNegative(query.get('_limit') ?? query.get('_maxresults')));
  return { limit, offset: nonNegative(query.get('_offset')), sort: query.get('_sort') ?? '' };
}

/** How many rows to fetch to fill the page and know whether there is a next one. */
export function wanted(p: Paging): number {
  return p.limit ? p.offset + p.limit + 1 : Infinity;
}

function link(ctx: RequestContext, offset: number, count: number): string {
  const q = new URLSearchParams(ctx.query);
  for (const k of ['_offset', '_limit', '_count', '_maxresults']) q.delete(k);
  const rest = q.toString();
  return `${ctx.state.url}${ctx.url.pathname}?${rest ? `${rest}&` : ''}_offset=${offset}&_count=${count}`;
}

export function sortRows<T extends Row>(rows: T[], spec: string): T[] {
  if (!spec) return rows;
  const keys = spec
    .split(',')
    .filter(Boolean)
    .map((k) => (k.startsWith('-') ? ([k.slice(1), -1] as const) : ([k, 1] as const)));
  return [...rows].sort((a, b) => {
    for (const [field, dir] of keys) {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      if (x !== y) return x < y ? -dir : dir;
    }
    return 0;
  });
}

/** What listReply reads of a result: an array, or a lazy list that builds only the slice asked for. */
export interface RowList {
  readonly length: number;
  slice(start?: number, end?: number): Row[];
}

/** A list answer. `rows` is the whole (already sorted) result or at least `wanted(p)` of it. */
export function listReply(ctx: RequestContext, rows: RowList, p: Paging = pagingOf(ctx.query)): Reply {
  const page = p.limit ? rows.slice(p.offset, p.offset + p.limit) : rows.slice(p.offset);
  const links: Record<string, string> = { first: link(ctx, 0, p.limit) };
  if (p.offset > 0 && p.limit) links.previous = link(ctx, Math.max(0, p.offset - p.limit), p.limit);
  if (p.limit && rows.length > p.offset + p.limit) links.next = link(ctx, p.offset + p.limit, p.limit);
  return reply.json(200, { validationErrors: [], internalErrors: [], data: page, links });
}

/** Any data in the envelope, without errors. */
export function envelopeReply(data: unknown, status = 200): Reply {
  return reply.json(status, { validationErrors: [], internalErrors: [], data });
}

/** A single-item answer; missing items answer 404 with a null body. */
export function itemReply(row: Row | undefined, status = 200): Reply {
  if (!row) return reply.json(404, null);
  return envelopeReply(row, status);
}

/**
 * BaseValidator::validateId / isExistingUuid (FacilityService.php:365, PatientService.php:585-592): a malformed
 * or unknown uuid is one validation error, with empty data.
 */
export function unknownIdReply(field: string, value: string): Reply {
  return reply.json(400, {
    validationErrors: { [field]: { 'invalid or nonexisting value': ` value ${value}` } },
    internalErrors: [],
    data: [],
  });
}

export function validationReply(errors: Record<string, string>): Reply {
  return reply.json(400, { validationErrors: errors, internalErrors: [], data: [] });
}

/** A JSON object body; anything else answers with OpenEMR's validation envelope. */
export function jsonBody(ctx: RequestContext): Record<string, unknown> {
  const text = ctx.body.toString('utf8').trim();
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  return fail(validationReply({ body: 'Request body is empty or not valid JSON' }));
}
