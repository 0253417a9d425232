/**
 * Which writes OpenEMR offers for a record or a list, from the core's route catalog, and the path of a
 * record a POST created. vscode-free.
 */
import { fillPath, matchRoute, ROUTES, type ResourceRoute } from '../catalog/resources';
import type { HttpMethod } from '../http/client';
import { isObject, type JsonObject } from './fields';

export interface RecordWrites {
  /** The PUT (or PATCH) route of a record path. */
  update?: ResourceRoute;
  delete?: ResourceRoute;
}

function bare(path: string): string {
  return path.split('?')[0]!.replace(/\/+$/, '');
}

/** The routes that change or delete the record at `path` (relative to /apis/{site}). */
export function recordWrites(path: string): RecordWrites {
  const p = bare(path);
  return { update: matchRoute('PUT', p) ?? matchRoute('PATCH', p), delete: matchRoute('DELETE', p) };
}

/** The POST route that creates a record in the list at `path`. */
export function createRoute(path: string): ResourceRoute | undefined {
  return matchRoute('POST', bare(path));
}

/** Whether the route catalog knows `method` on the concrete `path`. */
export function hasRoute(method: HttpMethod, path: string): boolean {
  return Boolean(matchRoute(method, bare(path)));
}

function idText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * The path of the record a POST to `listPath` created, from OpenEMR's answer: the FHIR `Location` or
 * resource id, or the standard envelope's `uuid` / `id`, as the list's instance route takes it.
 */
export function createdPath(listPath: string, data: unknown, headers: Record<string, string> = {}): string | undefined {
  const list = bare(listPath);
  if (list.startsWith('/fhir/')) {
    const location = headers.location ?? headers['content-location'];
    const fromLocation = location && /\/fhir\/([A-Za-z]+\/[^/?]+)/.exec(location)?.[1];
    if (fromLocation) return `/fhir/${fromLocation}`;
    return isObject(data) && idText(data.id) ? `${list}/${encodeURIComponent(idText(data.id))}` : undefined;
  }
  const row: JsonObject | undefined = Array.isArray(data)
    ? (data.find(isObject) as JsonObject | undefined)
    : isObject(data)
      ? data
      : undefined;
  if (!row) return undefined;
  const probe = `${list}/0`;
  const under = matchRoute('GET', probe) ?? matchRoute('PUT', probe) ?? matchRoute('DELETE', probe);
  // Transactions are created under the patient but updated at /api/transaction/:tid.
  const resource = createRoute(list)?.resource;
  const elsewhere = under
    ? undefined
    : ROUTES.find((r) => r.method === 'PUT' && r.resource === resource && r.params.length === 1);
  const instance = under ?? elsewhere;
  if (!instance) return undefined;
  const kind = instance.params.at(-1)?.kind;
  const id = kind === 'id' ? idText(row.id) || idText(row.pc_eid) : idText(row.uuid) || idText(row.pc_uuid) || idText(row.id);
  if (!id) return undefined;
  return under ? `${list}/${encodeURIComponent(id)}` : fillPath(instance.path, { [instance.params[0]!.name]: id });
}
