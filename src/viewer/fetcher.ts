/**
 * The authenticated GET the viewer needs for `{ serverId, path }` documents and for following FHIR
 * references. The sign-in part provides it (through ViewerController.setFetcher); the viewer never sees
 * a token.
 */
export interface FetchedDocument {
  method: string;
  url: string;
  status: number;
  timeMs: number;
  sizeBytes: number;
  body: string | Uint8Array;
  contentType?: string;
}

export interface ViewerFetcher {
  /** GET `path`, relative to the server's `/apis/{site}` base (e.g. `/fhir/Patient/123`). */
  get(serverId: string, path: string, signal?: AbortSignal): Promise<FetchedDocument>;
}
