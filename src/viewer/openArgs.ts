/** Reads the argument of `openemr.openInViewer` (no vscode import: unit-tested in plain Node). */
import type { RequestInfo } from './protocol';

export type OpenRequest =
  | { kind: 'document'; title: string; bytes: Uint8Array; request?: RequestInfo; serverId?: string }
  | { kind: 'remote'; serverId: string; path: string; title?: string };

export class ViewerArgumentError extends Error {}

/**
 * A plain Uint8Array that owns its whole buffer. Plain matters: a Node Buffer has toJSON(), so VS Code
 * would serialize it to the webview as a giant JSON array of numbers instead of transferring the bytes.
 * Owning the buffer matters because a pooled Buffer slice would transfer its neighbours too.
 */
export function ownBytes(data: string | Uint8Array): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  const ownsBuffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  if (!ownsBuffer) return Uint8Array.from(data);
  return data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, 0, data.byteLength);
}

function requestInfo(value: unknown): RequestInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    method: text(r.method) || 'GET',
    url: text(r.url),
    status: num(r.status),
    timeMs: num(r.timeMs),
    sizeBytes: num(r.sizeBytes),
  };
}

/**
 * `{ title, json, request?, serverId? }` where json is a parsed value, a JSON string or UTF-8 bytes;
 * or `{ serverId, path, title? }` to fetch `GET path` from a signed-in server.
 */
export function parseOpenArgs(arg: unknown): OpenRequest {
  if (typeof arg !== 'object' || arg === null) {
    throw new ViewerArgumentError('openemr.openInViewer needs { title, json } or { serverId, path }.');
  }
  const a = arg as Record<string, unknown>;
  const serverId = typeof a.serverId === 'string' && a.serverId !== '' ? a.serverId : undefined;
  if ('json' in a) {
    const { json } = a;
    let bytes: Uint8Array;
    if (typeof json === 'string' || json instanceof Uint8Array) bytes = ownBytes(json);
    else if (json === undefined) throw new ViewerArgumentError('openemr.openInViewer: json is undefined.');
    else bytes = ownBytes(JSON.stringify(json));
    const title = typeof a.title === 'string' && a.title !== '' ? a.title : 'JSON document';
    return { kind: 'document', title, bytes, request: requestInfo(a.request), serverId };
  }
  if (serverId && typeof a.path === 'string' && a.path.startsWith('/')) {
    return { kind: 'remote', serverId, path: a.path, title: typeof a.title === 'string' ? a.title : undefined };
  }
  throw new ViewerArgumentError(
    'openemr.openInViewer needs { title, json } or { serverId, path } with a path starting with "/" (relative to /apis/{site}).',
  );
}
