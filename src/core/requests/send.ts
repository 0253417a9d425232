/**
 * `openemr.sendRequest` without the editor: reads the argument object, sends it through the API client
 * (resend rule `idempotent`: a POST or PATCH is never sent twice on its own) and shapes the result, which
 * never holds a token or a client secret.
 */
import { STATUS_CODES } from 'node:http';
import type { ApiResponse, OpenEmrClient } from '../api/client';
import { OpenEmrError } from '../errors';
import type { HttpMethod } from '../http/client';
import { redactApiBody, redactText } from '../log';

export const SEND_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export type QueryArg = Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>;

/** The argument object of `openemr.sendRequest`. */
export interface SendRequestArgs {
  serverId: string;
  method: HttpMethod;
  /** Relative to the server's API root: `/api/...`, `/fhir/...` or `/portal/...` (may carry a query string). */
  path: string;
  query?: QueryArg;
  headers?: Record<string, string>;
  /** A JSON value, or a string sent as it is. */
  body?: unknown;
  timeoutMs?: number;
}

/** What `openemr.sendRequest` returns: any HTTP answer, 4xx and 5xx included. */
export interface SendRequestResult {
  status: number;
  statusText: string;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  /** The parsed answer when it is JSON. */
  body?: unknown;
  /** The answer as text when it is not JSON (capped by the core's response size limit). */
  text?: string;
  durationMs: number;
  sizeBytes: number;
}

/** The request line and more, as sent (for the viewer header and the history); no secret. */
export interface SentRequest {
  method: HttpMethod;
  /** Full URL with secret query values redacted. */
  url: string;
  /** Relative path with its query string, as given to the client. */
  path: string;
}

function invalid(message: string, fix: string): OpenEmrError {
  return new OpenEmrError('invalid-request', message, { fix });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Checks an argument object; every rule broken is named in the error. */
export function parseSendArgs(arg: unknown): SendRequestArgs {
  const usage = 'Pass { serverId, method, path, query?, headers?, body?, timeoutMs? }.';
  if (!isRecord(arg)) throw invalid('openemr.sendRequest needs an argument object', usage);
  const { serverId, method, path, query, headers, body, timeoutMs } = arg;
  if (typeof serverId !== 'string' || !serverId.trim()) throw invalid('The argument "serverId" is required', usage);
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (!(SEND_METHODS as readonly string[]).includes(upper))
    throw invalid(`"method" must be one of ${SEND_METHODS.join(', ')}`, usage);
  if (typeof path !== 'string' || !/^\/(api|fhir|portal)(\/|\?|$)/.test(path))
    throw invalid('"path" must start with /api, /fhir or /portal (it is relative to the API root)', usage);
  if (query !== undefined) {
    if (!isRecord(query)) throw invalid('"query" must be an object of names and values', usage);
    for (const [name, value] of Object.entries(query))
      if (!isScalar(value) && !(Array.isArray(value) && value.every(isScalar)))
        throw invalid(`query "${name}" must be a string, number, boolean or a list of them`, usage);
  }
  if (headers !== undefined) {
    if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string'))
      throw invalid('"headers" must be an object of header names and string values', usage);
    if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      throw invalid(
        'An Authorization header cannot be passed',
        'Leave it out: the token of the server is added when the request is sent.',
      );
  }
  if (body !== undefined && (upper === 'GET' || upper === 'HEAD'))
    throw invalid(`A ${upper} request has no body`, 'Leave "body" out, or use POST, PUT or PATCH.');
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0)))
    throw invalid('"timeoutMs" must be a positive number of milliseconds', usage);
  return {
    serverId: serverId.trim(),
    method: upper as HttpMethod,
    path,
    query: query as QueryArg | undefined,
    headers: headers as Record<string, string> | undefined,
    body,
    timeoutMs: timeoutMs as number | undefined,
  };
}

/** Appends query values to a path (repeated names for lists, as FHIR searches use them). */
export function withQuery(path: string, query: QueryArg | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? (path.endsWith('?') || path.endsWith('&') ? '' : '&') : '?'}${qs}`;
}

/**
 * The result of an answer. Secrets the server might echo (the token in a header or the body) are masked:
 * known values and anything shaped like a token or a secret field.
 */
export function toSendResult(res: ApiResponse, knownSecrets: readonly string[] = []): SendRequestResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name] = redactText(value, knownSecrets);
  const text = res.text ?? res.bytes.toString('utf8');
  const clean = redactApiBody(text, knownSecrets);
  const result: SendRequestResult = {
    status: res.status,
    statusText: STATUS_CODES[res.status] ?? '',
    headers,
    durationMs: res.ms,
    sizeBytes: res.size,
  };
  if (res.isJson) {
    if (clean === text) result.body = res.body;
    else {
      try {
        result.body = JSON.parse(clean) as unknown;
      } catch {
        result.text = clean;
      }
    }
  } else result.text = clean;
  return result;
}

export interface SendOutcome {
  result: SendRequestResult;
  request: SentRequest;
  /** The client's answer (for the viewer: the error explanation of a failed answer). */
  response: ApiResponse;
}

/**
 * Sends one request. Rejects only when no answer came (network, TLS, time-out, not signed in), with the
 * core's explained error; every HTTP status is a result.
 */
export async function sendRequest(
  client: OpenEmrClient,
  args: SendRequestArgs,
  knownSecrets: () => Promise<readonly string[]> = async () => [],
  signal?: AbortSignal,
): Promise<SendOutcome> {
  const path = withQuery(args.path, args.query);
  const response = await client.request(args.method, path, args.body, {
    headers: args.headers,
    timeoutMs: args.timeoutMs,
    signal,
    resend: 'idempotent',
  });
  const result = toSendResult(response, await knownSecrets());
  return { result, request: { method: args.method, url: response.url, path }, response };
}
