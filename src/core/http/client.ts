import http from 'node:http';
import https from 'node:https';
import type { PassThrough } from 'node:stream';
import tls from 'node:tls';
import fetch, { type RequestInit, type Response } from 'node-fetch';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type ServerConfig } from '../config';
import { ensureRedacting, redactUrl, type Logger, type RedactingLogger } from '../log';
import { assertSecretTransportAllowed } from './policy';
import { transportError } from './transport-errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Serialised as `application/x-www-form-urlencoded`; undefined values are left out. */
  form?: Record<string, string | undefined>;
  /** Raw body (a caller-built multipart body, for example); set Content-Type in headers. */
  body?: string | Buffer;
  /**
   * The request carries a password, secret or token besides an Authorization header (which is detected),
   * or its answer does (a registration returns the client secret). The plain-http policy then applies.
   */
  carriesSecret?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /**
   * Reads a successful (2xx) body as a stream instead of buffering it (downloads of any size); the answer's
   * `bytes` are then empty and `size` is what the stream delivered. Error bodies are still buffered.
   */
  consume?: (body: NodeJS.ReadableStream) => Promise<void>;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** The request URL with secret query values redacted. */
  url: string;
  method: HttpMethod;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  contentType: string;
  /** Milliseconds from send to the end of the body. */
  ms: number;
  /** Body size in bytes. */
  size: number;
  /** The body exactly as received (documents can be binary). */
  bytes: Buffer;
  text: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  json: unknown;
  isJson: boolean;
  /** Why a body that looks like JSON was not parsed (too deeply nested), for the error message. */
  jsonProblem?: string;
}

/**
 * Redirects are never followed (a token or password must not travel where a server points), so a 3xx
 * answer is a failure like a 4xx or 5xx.
 */
export function isFailure(res: Pick<HttpResponse, 'status'>): boolean {
  return res.status >= 300;
}

/** Deeper JSON is refused: every consumer (viewer, copy, stringify) recurses, and no API answer nests this far. */
export const MAX_JSON_DEPTH = 1000;

/** The deepest nesting of arrays and objects in JSON text, counted outside strings; stops past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Parses text as JSON when it looks like JSON; OpenEMR answers some errors with empty bodies or PHP HTML. */
export function parseJsonBody(text: string, contentType: string): { isJson: boolean; json: unknown; jsonProblem?: string } {
  const trimmed = text.trim();
  const looksJson = /json/i.test(contentType) || /^[[{"]/.test(trimmed) || trimmed === 'null';
  if (!trimmed || !looksJson) return { isJson: false, json: undefined };
  // Each level takes an opening and a closing character: shorter text cannot nest too deeply.
  if (trimmed.length > 2 * MAX_JSON_DEPTH && jsonDepth(trimmed) > MAX_JSON_DEPTH)
    return { isJson: false, json: undefined, jsonProblem: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { isJson: true, json: JSON.parse(trimmed) as unknown };
  } catch {
    return { isJson: false, json: undefined };
  }
}

/** Methods whose repetition changes nothing on the server; POST and PATCH are never sent twice. */
const RESENDABLE: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Errors of attempts that met a reset connection before any answer arrived. */
const resetBeforeAnswer = new WeakSet<object>();

function isConnectionReset(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** node-fetch's own time-out: waiting for the answer, or reading its body. */
function isFetchTimeout(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return type === 'request-timeout' || type === 'body-timeout';
}

function isResetBeforeAnswer(err: unknown): boolean {
  return typeof err === 'object' && err !== null && resetBeforeAnswer.has(err);
}

/**
 * The one HTTP seam (node-fetch). One instance per server: it owns that server's TLS options,
 * time-out, size cap and plain-http policy, and logs every request without secrets.
 */
export class HttpClient {
  readonly logger: RedactingLogger;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    readonly server: ServerConfig,
    logger?: Logger,
  ) {
    this.logger = ensureRedacting(logger);
    this.agents = {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({
        keepAlive: true,
        // A profile's CA is trusted in addition to Node's built-in roots, not instead of them.
        ca: server.tls?.ca ? [...tls.rootCertificates, server.tls.ca] : undefined,
        rejectUnauthorized: !server.tls?.allowSelfSigned,
      }),
    };
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? this.server.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = req.maxResponseBytes ?? this.server.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    // `Connection: keep-alive` is said out loud: in VS Code's extension host (http.proxySupport `override`, the
    // default) the proxy agent puts its own agent, which has no keep-alive, in place of ours, and Node then sends
    // `Connection: close`: a new connection (and TLS handshake) per request. With the header, the request stays
    // on the proxy agent (the user's proxy settings apply) and a direct connection is reused (docs/benchmarks.md).
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    let hasAuthorization = false;
    let hasConnection = false;
    for (const h in headers) {
      const lower = h.toLowerCase();
      if (lower === 'authorization') hasAuthorization = true;
      else if (lower === 'connection') hasConnection = true;
    }
    if (!hasConnection) headers.Connection = 'keep-alive';
    if (req.carriesSecret || hasAuthorization) this.assertSecretTransport(req.url);

    let body: string | Buffer | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['Content-Type'] ??= 'application/json';
    } else if (req.form) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.set(k, v);
      body = form.toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    }

    try {
      return await this.attempt(req, headers, body, timeoutMs, maxBytes);
    } catch (err) {
      // A keep-alive socket the server closed while idle fails the next request before it is read.
      // Node does not resend, so a request that is safe to repeat is sent once more on a new socket.
      if (!isResetBeforeAnswer(err) || !RESENDABLE.has(req.method) || req.signal?.aborted) throw err;
      this.logger.info(`${req.method} ${redactUrl(req.url)}: the connection was reset before an answer; sending once more`);
      return this.attempt(req, headers, body, timeoutMs, maxBytes);
    }
  }

  private async attempt(
    req: HttpRequest,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    timeoutMs: number,
    maxBytes: number,
  ): Promise<HttpResponse> {
    // Without a caller's signal or a streaming consumer, node-fetch's own time-out does the job: an
    // AbortController, its signal's listeners and a timer per request cost more than the rest of the client.
    // The time-out then covers the wait for the answer, and what remains of it covers reading the body.
    const ownTimer = Boolean(req.signal || req.consume);
    const timeout = ownTimer ? new AbortController() : undefined;
    const timer = timeout && setTimeout(() => timeout.abort(), timeoutMs);
    const signal = timeout && (req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal);
    const started = performance.now();
    const where = redactUrl(req.url);
    let answered = false;
    let res: Response | undefined;
    try {
      if (req.signal?.aborted) throw transportError(undefined, req.url, 'cancelled', timeoutMs, maxBytes);
      res = await fetch(req.url, {
        method: req.method,
        headers,
        body,
        redirect: 'manual',
        size: maxBytes,
        ...(signal ? { signal: signal as RequestInit['signal'] } : { timeout: timeoutMs }),
        agent: this.agentFor,
      });
      answered = true;
      let buffer: Buffer;
      let streamed = 0;
      if (req.consume && res.status >= 200 && res.status < 300) {
        res.body.on('data', (chunk: Buffer) => (streamed += chunk.length));
        await req.consume(res.body);
        buffer = Buffer.alloc(0);
      } else {
        if (!signal) res.timeout = Math.max(1, timeoutMs - Math.round(performance.now() - started));
        buffer = await res.buffer();
      }
      const ms = Math.round(performance.now() - started);
      const text = buffer.toString('utf8');
      // raw() is node-fetch's own table (names as Node gives them, lower-case); forEach sorts and copies it.
      const responseHeaders: Record<string, string> = {};
      const raw = res.headers.raw();
      for (const name in raw) responseHeaders[name.toLowerCase()] = raw[name]!.join(', ');
      const contentType = responseHeaders['content-type'] ?? '';
      const { isJson, json, jsonProblem } = parseJsonBody(text, contentType);
      const size = buffer.length || streamed;
      this.logger.info(`${req.method} ${where} -> ${res.status} ${ms}ms ${size}B`);
      return {
        status: res.status,
        statusText: res.statusText,
        url: where,
        method: req.method,
        headers: responseHeaders,
        contentType,
        ms,
        size,
        bytes: buffer,
        text,
        json,
        isJson,
        jsonProblem,
      };
    } catch (err) {
      const timedOut = timeout ? timeout.signal.aborted : isFetchTimeout(err);
      const why = req.signal?.aborted ? 'cancelled' : timedOut ? 'timeout' : undefined;
      // node-fetch's body time-out rejects but leaves the body flowing: the socket is let go here.
      if (res && (err as { type?: unknown } | null)?.type === 'body-timeout') (res.body as PassThrough).destroy();
      const error = transportError(err, req.url, why, timeoutMs, maxBytes);
      if (!answered && !why && isConnectionReset(err)) resetBeforeAnswer.add(error);
      this.logger.warn(`${req.method} ${where} -> ${error.kind} ${Math.round(performance.now() - started)}ms`);
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private readonly agentFor = (url: URL): http.Agent => (url.protocol === 'http:' ? this.agents.http : this.agents.https);

  /** Origins (`http://host:port`) the plain-http policy already allowed: a URL is parsed once per origin. */
  private readonly allowedOrigins = new Set<string>();

  private assertSecretTransport(url: string): void {
    // Only a plain `scheme://host[:port]` prefix is remembered: user info, escapes or odd characters are parsed
    // every time, as before.
    const end = url.indexOf('/', 8);
    const origin = end < 0 ? url : url.slice(0, end);
    const plain = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?$/.test(origin);
    if (plain && this.allowedOrigins.has(origin)) return;
    assertSecretTransportAllowed(url, this.server.allowInsecureHttp);
    if (plain) this.allowedOrigins.add(origin);
  }

  /** Closes idle keep-alive sockets. */
  dispose(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
