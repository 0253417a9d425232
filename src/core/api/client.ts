/**
 * The OpenEMR API client: a generic `request` relative to /apis/{site} and typed methods for the tree,
 * with the 401 rule (renew once, retry once) and envelope handling.
 */
import type { Bundle, FhirResource, Resource } from 'fhir/r4';
import { serverUrls } from '../config';
import { OpenEmrError } from '../errors';
import { isFailure, type HttpClient, type HttpMethod, type HttpRequest, type HttpResponse } from '../http/client';
import { fillPath, matchRoute, type PatientResourceGroup, type TopLevelCollection } from '../catalog/resources';
import type { TokenSource } from '../oauth/session';
import { parseVersion, type ServerVersion } from '../oauth/discovery';
import { classifyResponse, readErrorBody, type ClassifyContext, type EndpointKind } from './classify';
import { readEnvelope, type StandardEnvelope } from './envelope';
import { fhirPage, fhirPageQuery, standardPage, standardPageQuery, type Page, type PageRequest } from './paging';

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Send without a bearer token (metadata, smart configuration, version). Default false. */
  anonymous?: boolean;
  /**
   * Whether a 401 may renew the token and send the request again: `auto` (default) when the rejection came
   * from the token gate or the method is idempotent; `idempotent` only for idempotent methods (never a POST
   * or PATCH, whatever the 401 says); `never` for writes the user confirmed once.
   */
  resend?: ResendRule;
  /** Streams a successful body to this consumer instead of buffering it (see HttpRequest.consume). */
  consume?: HttpRequest['consume'];
}

export type ResendRule = 'auto' | 'idempotent' | 'never';

export interface ApiResponse<T = unknown> {
  ok: boolean;
  status: number;
  method: HttpMethod;
  /** Full URL, secrets redacted. */
  url: string;
  headers: Record<string, string>;
  contentType: string;
  ms: number;
  size: number;
  isJson: boolean;
  /** The body exactly as received, for downloads (documents can be binary). */
  bytes: Buffer;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: unknown;
  /** The body decoded as UTF-8 (empty for a streamed body), so that callers do not decode it again. */
  text?: string;
  /** The standard envelope, when the body has that shape. */
  envelope?: StandardEnvelope<T>;
  /** Envelope `data` for the standard API, the body itself otherwise. */
  data?: T;
  /** Why a JSON-looking body was not parsed (too deeply nested). */
  jsonProblem?: string;
  /** Set for every failed answer (status >= 300: redirects are not followed; or envelope errors). */
  error?: OpenEmrError;
  /** True when a 401 led to a token renewal and a second attempt. */
  retried: boolean;
}

/** A standard-API patient record (only the fields the tree uses are typed). */
export interface StandardPatient {
  uuid: string;
  pid: string | number;
  fname?: string;
  lname?: string;
  DOB?: string;
  sex?: string;
  [field: string]: unknown;
}

export interface PatientRef {
  uuid: string;
  pid?: string | number;
}

export type PatientSearchField =
  | 'fname'
  | 'lname'
  | 'ss'
  | 'street'
  | 'postal_code'
  | 'city'
  | 'state'
  | 'phone_home'
  | 'phone_biz'
  | 'phone_cell'
  | 'postal_contact'
  | 'sex'
  | 'country_code'
  | 'email'
  | 'DOB';
export type PatientSearch = Partial<Record<PatientSearchField, string>> & { _sort?: string };

/** `/api/patient/9a8b...`: slash-separated segments of unreserved characters, none empty or starting with a dot. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9_~.-]*)+$/;

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const NEVER_RETRIED = new Set(['missing-scope', 'insufficient-permissions', 'acl-denied']);

function endpointOf(path: string): EndpointKind {
  return path.startsWith('/fhir') ? 'fhir' : path.startsWith('/portal') ? 'portal' : 'api';
}

/** A 401 from the bearer-token gate, recognisable by its body, comes before any controller ran. */
function isGateRejection(res: HttpResponse): boolean {
  const f = readErrorBody(res);
  return (
    f.error === 'access_denied' ||
    /resource owner or authorization server denied|Missing "Authorization" header|could not be verified|has been revoked/i.test(
      `${f.message ?? ''} ${f.hint ?? ''}`,
    )
  );
}

/** The retry rule: renew once after a 401 when the rejection came before the server acted, or the method is idempotent. */
export function mayRetryAfter401(method: HttpMethod, res: HttpResponse, error: OpenEmrError, rule: ResendRule = 'auto'): boolean {
  if (rule === 'never' || res.status !== 401 || NEVER_RETRIED.has(error.kind)) return false;
  if (rule === 'idempotent') return IDEMPOTENT.has(method);
  return isGateRejection(res) || IDEMPOTENT.has(method);
}

export interface OpenEmrClientOptions {
  http: HttpClient;
  /** Source of bearer tokens; omit for anonymous calls only. */
  tokens?: TokenSource;
}

export class OpenEmrClient {
  readonly http: HttpClient;
  private readonly tokens?: TokenSource;
  private base: { apis: string; path: string; normal: boolean } | undefined;

  constructor(opts: OpenEmrClientOptions) {
    this.http = opts.http;
    this.tokens = opts.tokens;
  }

  /** `/api/...`, `/fhir/...`, `/portal/...` (relative to /apis/{site}), or an absolute URL under /apis/{site}. */
  resolve(path: string, query?: Record<string, QueryValue>): { url: string; relative: string } {
    // The profile of an HttpClient never changes: its base is worked out once.
    if (!this.base) {
      const apis = serverUrls(this.http.server).apis;
      // `normal`: URL leaves the base as it is, so a plain path appended to it needs no parsing either.
      this.base = { apis, path: new URL(apis).pathname, normal: new URL(`${apis}/x`).href === `${apis}/x` };
    }
    const base = this.base.apis;
    let relative = path;
    if (/^https?:\/\//i.test(path)) {
      if (!path.startsWith(`${base}/`))
        throw new OpenEmrError('invalid-request', "The URL is not under this server's /apis/{site} base");
      relative = path.slice(base.length);
    }
    if (!relative.startsWith('/')) relative = `/${relative}`;
    if (!/^\/(api|fhir|portal)(\/|\?|$)/.test(relative)) {
      throw new OpenEmrError('invalid-request', `Paths start with /api, /fhir or /portal: ${relative.slice(0, 80)}`);
    }
    // A plain path (segments of unreserved characters, none starting with a dot) is what URL would make of it:
    // it is not parsed again. Anything else (a query, escapes, dot segments) goes through URL.
    if (!query && this.base.normal && PLAIN_PATH.test(relative)) return { url: base + relative, relative };
    const url = new URL(base + relative);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return { url: url.toString(), relative: url.pathname.slice(this.base.path.length) };
  }

  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const { url, relative } = this.resolve(path, opts.query);
    const endpoint = endpointOf(relative);
    const headers: Record<string, string> = {
      Accept: endpoint === 'fhir' ? 'application/fhir+json, application/json' : 'application/json',
      ...opts.headers,
    };
    const payload = body === undefined ? {} : typeof body === 'string' || Buffer.isBuffer(body) ? { body } : { json: body };
    if (payload.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
    const sendWith = (token: string | undefined): Promise<HttpResponse> =>
      this.http.send({
        method,
        url,
        ...payload,
        headers: token ? { ...headers, Authorization: `Bearer ${token}` } : headers,
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
        consume: opts.consume,
      });

    const useToken = !opts.anonymous && this.tokens;
    let token = useToken ? await this.tokens!.getAccessToken(opts.signal) : undefined;
    let res = await sendWith(token);
    let retried = false;
    if (
      res.status === 401 &&
      token &&
      this.tokens?.renewAfterRejection &&
      mayRetryAfter401(method, res, classifyResponse(res, this.classifyContext(method, relative, endpoint)), opts.resend)
    ) {
      // A failed renewal (dead refresh token) leaves the original 401 as the answer; the session says why.
      const renewed = await this.tokens.renewAfterRejection(token, opts.signal).catch((err: unknown) => {
        if (err instanceof OpenEmrError && err.kind === 'cancelled') throw err;
        return undefined;
      });
      if (renewed && renewed !== token) {
        token = renewed;
        res = await sendWith(token);
        retried = true;
      }
    }
    return this.toApiResponse<T>(res, method, relative, endpoint, retried);
  }

  /** Only an error answer is explained with the route's scope: the catalog is not searched for the others. */
  private classifyContext(method: HttpMethod, relative: string, endpoint: EndpointKind): ClassifyContext {
    const route = matchRoute(method, relative);
    const tokenScopes = this.tokens?.grantedScopes?.();
    return {
      endpoint,
      requiredScope: inTokenContext(route?.scope, tokenScopes),
      requiredScopeV1: inTokenContext(route?.scopeV1, tokenScopes),
      tokenScopes,
    };
  }

  private toApiResponse<T>(
    res: HttpResponse,
    method: HttpMethod,
    relative: string,
    endpoint: EndpointKind,
    retried: boolean,
  ): ApiResponse<T> {
    const envelope = endpoint === 'fhir' ? undefined : readEnvelope<T>(res.json);
    let error: OpenEmrError | undefined;
    if (isFailure(res)) error = classifyResponse(res, this.classifyContext(method, relative, endpoint));
    else if (envelope?.validationErrors || envelope?.internalErrors)
      error = classifyResponse(
        { ...res, status: envelope.validationErrors ? 400 : 500 },
        this.classifyContext(method, relative, endpoint),
      );
    return {
      ok: !error,
      status: res.status,
      method: res.method,
      url: res.url,
      headers: res.headers,
      contentType: res.contentType,
      ms: res.ms,
      size: res.size,
      isJson: res.isJson,
      jsonProblem: res.jsonProblem,
      bytes: res.bytes,
      body: res.isJson ? res.json : res.text,
      text: res.text,
      envelope,
      data: envelope ? envelope.data : res.isJson ? (res.json as T) : undefined,
      error,
      retried,
    };
  }

  /** The result of a JSON answer, or its error thrown. */
  unwrap<T>(res: ApiResponse<T>): T {
    if (res.error) throw res.error;
    if (!res.isJson)
      throw new OpenEmrError(
        'non-json',
        `${res.method} ${res.url} -> ${res.status} (not JSON${res.jsonProblem ? `: ${res.jsonProblem}` : ''})`,
        {
          status: res.status,
        },
      );
    return res.data as T;
  }

  private async standardList<T>(
    path: string,
    query: Record<string, QueryValue>,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<T>> {
    const res = await this.request<unknown>('GET', path, undefined, { query: { ...query, ...standardPageQuery(page) }, signal });
    const data = this.unwrap(res);
    return standardPage<T>(data, res.envelope?.links, page);
  }

  listPatients(search: PatientSearch = {}, page: PageRequest = {}, signal?: AbortSignal): Promise<Page<StandardPatient>> {
    return this.standardList<StandardPatient>('/api/patient', search, page, signal);
  }

  async getPatient(puuid: string, signal?: AbortSignal): Promise<StandardPatient> {
    return this.unwrap(
      await this.request<StandardPatient>('GET', `/api/patient/${patientSegment(puuid)}`, undefined, { signal }),
    );
  }

  /** One per-patient group of the explorer (standard list or FHIR search by patient). */
  async listPatientGroup(
    group: PatientResourceGroup,
    patient: PatientRef,
    page: PageRequest = {},
    signal?: AbortSignal,
  ): Promise<Page<unknown>> {
    if (group.api === 'fhir') return this.fhirSearchByPatient(group.route.resource, patient.uuid, {}, page, signal);
    if (group.patientKey === 'pid' && (patient.pid === undefined || patient.pid === '')) {
      throw new OpenEmrError('invalid-request', `${group.label} needs the patient's numeric pid`, {
        fix: 'Load the patient record (it carries pid) first.',
      });
    }
    const path = fillPath(group.route.path, { puuid: patient.uuid, pid: patient.pid ?? '' });
    return this.standardList(path, {}, page, signal);
  }

  /** A top-level collection of the explorer. */
  listCollection(collection: TopLevelCollection, page: PageRequest = {}, signal?: AbortSignal): Promise<Page<unknown>> {
    if (collection.api === 'fhir') return this.fhirSearch(collection.route.resource, {}, page, signal);
    return this.standardList(collection.route.path, {}, page, signal);
  }

  async fhirSearch<T extends Resource = FhirResource>(
    resourceType: string,
    params: Record<string, QueryValue> = {},
    page: PageRequest = {},
    signal?: AbortSignal,
  ): Promise<Page<T>> {
    if (!/^[A-Z][A-Za-z]+$/.test(resourceType))
      throw new OpenEmrError('invalid-request', `Not a FHIR resource type: ${resourceType.slice(0, 60)}`);
    const res = await this.request<Bundle>('GET', `/fhir/${resourceType}`, undefined, {
      query: { ...params, ...fhirPageQuery(page) },
      signal,
    });
    return fhirPage<T>(this.unwrap(res), page);
  }

  fhirSearchByPatient<T extends Resource = FhirResource>(
    resourceType: string,
    patientUuid: string,
    params: Record<string, QueryValue> = {},
    page: PageRequest = {},
    signal?: AbortSignal,
  ): Promise<Page<T>> {
    const key = resourceType === 'Patient' ? '_id' : 'patient';
    return this.fhirSearch<T>(resourceType, { ...params, [key]: patientUuid }, page, signal);
  }

  async fhirRead<T extends Resource = FhirResource>(resourceType: string, id: string, signal?: AbortSignal): Promise<T> {
    return this.unwrap(
      await this.request<T>('GET', `/fhir/${encodeURIComponent(resourceType)}/${encodeURIComponent(id)}`, undefined, { signal }),
    );
  }

  /** /api/version (8.x answers without a token; 7.0.3 needs one). */
  async version(signal?: AbortSignal): Promise<ServerVersion | undefined> {
    const res = await this.request('GET', '/api/version', undefined, { signal, anonymous: !this.tokens });
    return parseVersion(this.unwrap(res));
  }
}

/** A patient uuid as a path segment (what fillPath does for `:puuid`, without a pattern per call). */
function patientSegment(puuid: string): string {
  if (!puuid) throw new TypeError('Missing path parameter :puuid for /api/patient/:puuid');
  return encodeURIComponent(puuid);
}

/**
 * The catalog names a resource scope in its user/ form; a backend (system/) or patient token needs the
 * same scope in its own context, and that is the one a fix should name.
 */
export function inTokenContext(scope: string | undefined, tokenScopes: readonly string[] | undefined): string | undefined {
  if (!scope?.startsWith('user/') || !tokenScopes) return scope;
  const has = (context: string) => tokenScopes.some((s) => s.startsWith(`${context}/`));
  if (has('user')) return scope;
  if (has('system')) return `system/${scope.slice('user/'.length)}`;
  if (has('patient')) return `patient/${scope.slice('user/'.length)}`;
  return scope;
}
