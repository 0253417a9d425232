/** The JSON viewer's authenticated GET, over each server's OpenEmrClient: the viewer never sees a token. */
import type { OpenEmrClient } from '../core';
import type { FetchedDocument, ViewerFetcher } from '../viewer/fetcher';

export function createViewerFetcher(client: (serverId: string) => OpenEmrClient): ViewerFetcher {
  return {
    async get(serverId: string, path: string, signal?: AbortSignal): Promise<FetchedDocument> {
      const res = await client(serverId).request('GET', path, undefined, { signal });
      // Error answers are documents too (the viewer shows their status); only "cannot send" throws.
      const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null);
      return {
        method: res.method,
        url: res.url,
        status: res.status,
        timeMs: res.ms,
        sizeBytes: res.size,
        body,
        contentType: res.contentType || undefined,
      };
    },
  };
}
