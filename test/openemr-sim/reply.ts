/** What a handler answers; the server writes it (after the configured latency). */
export interface Reply {
  status: number;
  /** Serialised as JSON when present. */
  json?: unknown;
  /** Raw body (HTML, NDJSON, a document) when `json` is absent. */
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export const reply = {
  json: (status: number, json: unknown, headers?: Record<string, string>): Reply => ({ status, json, headers }),
  fhir: (status: number, json: unknown): Reply => ({ status, json, headers: { 'Content-Type': 'application/fhir+json' } }),
  empty: (status: number): Reply => ({ status }),
  html: (status: number, html: string): Reply => ({
    status,
    body: html,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  }),
  redirect: (location: string): Reply => ({ status: 302, headers: { Location: location } }),
};

/** Thrown by handlers to answer at once with a ready reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export function fail(r: Reply): never {
  throw new ReplyError(r);
}
