/**
 * The paths of `openemr:` documents (no vscode import):
 * - a record:          `/{server}/api/patient/{puuid}.json`          (edits PUT to /api/patient/{puuid})
 * - a new record:      `/{server}/new/{n}/api/patient.json`          (saving POSTs to /api/patient)
 * - a document schema: `/{server}/schema/<one of the two above>`    (the JSON schema the editor checks with)
 * `{server}` is the profile's name, or its id when two servers share a name or the name holds a slash.
 * These are decoded paths: `vscode.Uri` encodes them.
 */
export type DocumentKind = 'record' | 'new' | 'schema';

export interface DocumentAddress {
  kind: DocumentKind;
  /** The server segment, decoded (a profile name or id). */
  server: string;
  /** Relative to /apis/{site}: the record's path, or for a new record the list it is created in. */
  apiPath: string;
  /** For a schema: the address of the document it describes. */
  of?: DocumentAddress;
}

const API_PATH = /^\/(api|fhir|portal)\//;

function documentPath(server: string, kind: 'record' | 'new', apiPath: string, n = 1): string {
  const head = `/${server}`;
  return kind === 'new' ? `${head}/new/${n}${apiPath}.json` : `${head}${apiPath}.json`;
}

export function recordDocumentPath(server: string, apiPath: string): string {
  return documentPath(server, 'record', apiPath);
}

export function newDocumentPath(server: string, listPath: string, n: number): string {
  return documentPath(server, 'new', listPath, n);
}

export function schemaPath(documentPathOf: string): string {
  const [, server, ...rest] = documentPathOf.split('/');
  return `/${server}/schema/${rest.join('/')}`;
}

/** Reads a document path back; undefined when it is not one of the three forms. */
export function parseDocumentPath(path: string): DocumentAddress | undefined {
  const m = /^\/([^/]+)(\/.*)\.json$/.exec(path);
  if (!m) return undefined;
  const server = m[1]!;
  const rest = m[2]!;
  if (rest.startsWith('/schema/')) {
    const of = parseDocumentPath(`/${m[1]}${rest.slice('/schema'.length)}.json`);
    return of && of.kind !== 'schema' ? { kind: 'schema', server, apiPath: of.apiPath, of } : undefined;
  }
  const fresh = /^\/new\/\d+(\/.*)$/.exec(rest);
  if (fresh) return API_PATH.test(fresh[1]!) ? { kind: 'new', server, apiPath: fresh[1]! } : undefined;
  return API_PATH.test(rest) ? { kind: 'record', server, apiPath: rest } : undefined;
}
