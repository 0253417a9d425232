/**
 * Paging. Standard API: `_limit`/`_offset`, and links whose `_count` must be copied into `_limit` (the quirk).
 * FHIR: `_count`/`_offset`; OpenEMR emits no next link, so a full page means "maybe more".
 */
import type { Bundle, Resource } from 'fhir/r4';
import type { StandardLinks } from './envelope';

export interface PageRequest {
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  offset: number;
  limit?: number;
  /** The request for the next page, when there may be one. */
  next?: PageRequest;
  /** Only when the server states it. */
  total?: number;
}

/** The standard API's maximum page size. */
export const STANDARD_MAX_LIMIT = 200;
export const DEFAULT_PAGE_SIZE = 50;

function intParam(params: URLSearchParams, ...names: string[]): number | undefined {
  for (const name of names) {
    const raw = params.get(name);
    if (raw !== null && /^\d{1,9}$/.test(raw.trim())) return Number(raw.trim());
  }
  return undefined;
}

/** Reads `_offset` and `_limit` (or the quirky `_count`, or `_maxresults`) from a link; undefined when unusable. */
export function pageFromLink(link: string | undefined): PageRequest | undefined {
  if (!link || typeof link !== 'string') return undefined;
  const query = link.includes('?') ? link.slice(link.indexOf('?') + 1) : link.replace(/^&/, '');
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query.split('#')[0]);
  } catch {
    return undefined;
  }
  const offset = intParam(params, '_offset');
  const limit = intParam(params, '_limit', '_count', '_maxresults');
  if (offset === undefined && limit === undefined) return undefined;
  return { offset, limit };
}

/** Query parameters for a standard-API page; the limit is capped at 200. */
export function standardPageQuery(page: PageRequest = {}): Record<string, string> {
  const query: Record<string, string> = {};
  if (page.limit !== undefined && page.limit > 0) query._limit = String(Math.min(Math.floor(page.limit), STANDARD_MAX_LIMIT));
  if (page.offset !== undefined && page.offset > 0) query._offset = String(Math.floor(page.offset));
  return query;
}

export function fhirPageQuery(page: PageRequest = {}): Record<string, string> {
  const query: Record<string, string> = {};
  if (page.limit !== undefined && page.limit > 0) query._count = String(Math.floor(page.limit));
  if (page.offset !== undefined && page.offset > 0) query._offset = String(Math.floor(page.offset));
  return query;
}

/** Builds a Page from a standard-API list; follows `links.next` when present, else a full page means more. */
export function standardPage<T>(data: unknown, links: StandardLinks | undefined, request: PageRequest): Page<T> {
  const items = (Array.isArray(data) ? data : data === undefined || data === null ? [] : [data]) as T[];
  const offset = request.offset ?? 0;
  const limit = request.limit && request.limit > 0 ? Math.min(request.limit, STANDARD_MAX_LIMIT) : undefined;
  let next: PageRequest | undefined;
  const fromLink = pageFromLink(links?.next);
  if (links?.next && fromLink?.offset !== undefined && fromLink.offset > offset) {
    next = { offset: fromLink.offset, limit: fromLink.limit ?? limit };
  } else if (!links?.next && limit !== undefined && items.length >= limit) {
    next = { offset: offset + items.length, limit };
  }
  return { items, offset, limit, next };
}

/** Builds a Page from a FHIR searchset/collection Bundle. */
export function fhirPage<T extends Resource = Resource>(bundle: unknown, request: PageRequest): Page<T> {
  const b = (bundle && typeof bundle === 'object' ? bundle : {}) as Partial<Bundle>;
  const items = (Array.isArray(b.entry) ? b.entry : [])
    .map((e): unknown => e?.resource)
    .filter((r) => Boolean(r) && typeof r === 'object') as T[];
  const offset = request.offset ?? 0;
  const limit = request.limit && request.limit > 0 ? request.limit : undefined;
  const nextLink = Array.isArray(b.link) ? b.link.find((l) => l?.relation === 'next')?.url : undefined;
  const fromLink = pageFromLink(nextLink);
  let next: PageRequest | undefined;
  if (fromLink?.offset !== undefined && fromLink.offset > offset)
    next = { offset: fromLink.offset, limit: fromLink.limit ?? limit };
  else if (!nextLink && limit !== undefined && items.length >= limit) next = { offset: offset + items.length, limit };
  // OpenEMR's `total` counts only the entries returned, so it is a total only when there is no next page.
  const total = !next && typeof b.total === 'number' ? offset + items.length : undefined;
  return { items, offset, limit, next, total };
}
