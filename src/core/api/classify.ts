/**
 * Turns an OpenEMR error answer into an OpenEmrError, for the 7.0.3 shapes (league JSON, empty bodies)
 * and the 8.x shapes (`{"error":"An error occurred","message":…,"code":0}`), facts §6.
 */
import { OpenEmrError, oneLine, type OpenEmrErrorKind } from '../errors';
import { redactText, redactUrl } from '../log';
import type { HttpResponse } from '../http/client';
import { scopeCovers } from '../catalog/scopes';

export type EndpointKind =
  'token' | 'registration' | 'client-read' | 'introspect' | 'logout' | 'discovery' | 'api' | 'fhir' | 'portal';

export interface ClassifyContext {
  endpoint: EndpointKind;
  /** The grant being attempted at /token. */
  grant?: string;
  /** Scope the route needs (from the resource catalog). */
  requiredScope?: string;
  /** Its v1 equivalent. */
  requiredScopeV1?: string;
  /** Scopes granted to the token used. */
  tokenScopes?: readonly string[];
}

/** The fields OpenEMR puts in error bodies, read defensively from anything. */
export interface ErrorBodyFields {
  error?: string;
  description?: string;
  hint?: string;
  message?: string;
  validationErrors?: unknown;
  internalErrors?: unknown;
  /** FHIR OperationOutcome diagnostics. */
  diagnostics?: string;
  /** No body at all (or an empty JSON string). */
  empty: boolean;
  /** The body is JSON `null` (a missing item on a single-item route). */
  nullBody: boolean;
  html: boolean;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function hasContent(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

export function readErrorBody(res: Pick<HttpResponse, 'text' | 'json' | 'isJson'>): ErrorBodyFields {
  const trimmed = res.text.trim();
  const fields: ErrorBodyFields = {
    empty: trimmed === '' || trimmed === '""',
    nullBody: trimmed === 'null',
    html: /^<(!doctype|html|\?xml|body|br|b>)/i.test(trimmed),
  };
  const body = res.json;
  if (typeof body === 'string') {
    fields.message = str(body);
    return fields;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fields;
  const o = body as Record<string, unknown>;
  fields.error = str(o.error);
  fields.description = str(o.error_description);
  fields.hint = str(o.hint);
  fields.message = str(o.message);
  if (hasContent(o.validationErrors)) fields.validationErrors = o.validationErrors;
  if (hasContent(o.internalErrors)) fields.internalErrors = o.internalErrors;
  if (o.resourceType === 'OperationOutcome' && Array.isArray(o.issue)) {
    fields.diagnostics =
      o.issue
        .map((i: unknown) => (i && typeof i === 'object' ? str((i as Record<string, unknown>).diagnostics) : undefined))
        .filter(Boolean)
        .join('; ') || undefined;
  }
  return fields;
}

/** `Check the \`x\` scope` → x. */
export function scopeFromHint(hint: string | undefined): string | undefined {
  return hint ? /Check the `([^`]+)` scope/.exec(hint)?.[1] : undefined;
}

/** `Check the \`username\` parameter` → username. */
function parameterFromHint(hint: string | undefined): string | undefined {
  return hint ? /Check the `([^`]+)` parameter/.exec(hint)?.[1] : undefined;
}

type Rule = [pattern: RegExp, kind: OpenEmrErrorKind];
/** Messages of the 8.x kernel and the 7.0.3 hints, in the order they must be tested. */
const MESSAGE_RULES: Rule[] = [
  [/API is disabled/i, 'api-disabled'],
  [/api site error/i, 'unknown-site'],
  [/revoked or logged out/i, 'token-revoked'],
  [/has been revoked/i, 'token-revoked'],
  [/Missing "Authorization" header/i, 'not-signed-in'],
  [/could not be verified|token.*expired/i, 'token-expired'],
  [/insufficient permissions/i, 'insufficient-permissions'],
  [/Organization policy does not have permit/i, 'acl-denied'],
  [/Route not found/i, 'route-not-found'],
  [/Not implemented/i, 'method-not-supported'],
  [/Not a registered client/i, 'client-unknown'],
  [/System error occurred/i, 'server-error'],
  [/^Unauthorized$/i, 'missing-scope'],
  [/resource owner or authorization server denied/i, 'token-expired'],
];

function kindFromOAuthCode(code: string, f: ErrorBodyFields, ctx: ClassifyContext): OpenEmrErrorKind | undefined {
  switch (code.replace(/\s+/g, '')) {
    case 'invalid_client':
      if (/Not a registered client/i.test(`${f.description ?? ''} ${f.message ?? ''}`)) return 'client-unknown';
      return ctx.endpoint === 'registration' ? 'registration-rejected' : 'client-disabled';
    case 'invalid_grant':
      return /Failed Authentication/i.test(f.hint ?? '') || ctx.grant === 'password' ? 'bad-credentials' : 'invalid-grant';
    case 'invalid_scope':
      return 'invalid-scope';
    case 'unsupported_grant_type':
      return ctx.grant === 'password' ? 'password-grant-off' : 'grant-unsupported';
    case 'mfa_not_supported':
    case 'mfa_token_invalid':
      return 'mfa-failed';
    case 'invalid_client_metadata':
    case 'invalid_redirect_uri':
      return 'registration-rejected';
    case 'access_denied':
      return ctx.endpoint === 'token' ? 'authorization-denied' : undefined;
    case 'server_error':
      return 'server-error';
    case 'invalid_request':
      return undefined; // decided by message rules, else invalid-request
    default:
      return undefined;
  }
}

const API_ENDPOINTS = new Set<EndpointKind>(['api', 'fhir', 'portal']);

/** The 7.0.3 dispatcher answers many failures with an empty body; the status and context tell them apart. */
function kindFromEmptyBody(status: number, ctx: ClassifyContext): OpenEmrErrorKind {
  const onApis = API_ENDPOINTS.has(ctx.endpoint);
  if (status === 501) return onApis ? 'api-disabled' : 'method-not-supported';
  if (status === 404) return onApis ? 'route-not-found' : 'api-disabled';
  if (status === 400) return 'unknown-site';
  if (status === 401) return onApis ? permissionKind(ctx) : 'unknown-site';
  if (status === 403) return 'insufficient-permissions';
  return status >= 500 ? 'server-error' : 'non-json';
}

/** 7.0.3 gives a bare 401 for a missing scope, a missing api:* gate or an ACL denial; the token's scopes decide. */
function permissionKind(ctx: ClassifyContext): OpenEmrErrorKind {
  const scopes = ctx.tokenScopes;
  if (!scopes) return 'missing-scope';
  const gate = ctx.endpoint === 'api' ? 'api:oemr' : ctx.endpoint === 'portal' ? 'api:port' : undefined;
  if (gate && !scopes.includes(gate)) return 'insufficient-permissions';
  if (
    ctx.requiredScope &&
    !scopeCovers(scopes, ctx.requiredScope) &&
    !(ctx.requiredScopeV1 && scopeCovers(scopes, ctx.requiredScopeV1))
  ) {
    return 'missing-scope';
  }
  return 'acl-denied';
}

function statusFallback(status: number, f: ErrorBodyFields, ctx: ClassifyContext): OpenEmrErrorKind {
  if (status === 404) return f.diagnostics ? 'resource-not-found' : 'route-not-found';
  if (status === 401) return API_ENDPOINTS.has(ctx.endpoint) ? 'token-expired' : 'client-disabled';
  if (status === 403) return 'insufficient-permissions';
  if (status === 400 || status === 422) return f.diagnostics ? 'validation' : 'invalid-request';
  if (status === 501) return 'method-not-supported';
  if (status >= 500) return 'server-error';
  return 'unexpected';
}

/**
 * OpenEMR answers a read or update of a malformed or unknown id with 400 and one validation error
 * (BaseValidator::validateId: `{"uuid": {"invalid or nonexisting value": " value …"}}`; FHIR: `{"_id": …}`):
 * that means "no such record", not "fix your input".
 */
export function isUnknownIdValidation(errors: unknown): boolean {
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return false;
  const entries = Object.entries(errors as Record<string, unknown>);
  if (entries.length !== 1) return false;
  const [field, detail] = entries[0]!;
  return field === '_id' || /invalid or nonexisting value/i.test(JSON.stringify(detail));
}

export function classifyKind(status: number, f: ErrorBodyFields, ctx: ClassifyContext): OpenEmrErrorKind {
  if (status === 400 && isUnknownIdValidation(f.validationErrors)) return 'resource-not-found';
  if (f.validationErrors) return 'validation';
  if (f.internalErrors) return 'server-error';
  const byCode = f.error ? kindFromOAuthCode(f.error, f, ctx) : undefined;
  if (byCode) return byCode;
  const text = [f.message, f.description, f.hint, f.diagnostics].filter(Boolean).join(' | ');
  for (const [pattern, kind] of MESSAGE_RULES) {
    if (pattern.test(f.message ?? '') || pattern.test(text)) return kind;
  }
  if (f.error && /invalid\s*_?request/i.test(f.error)) return 'invalid-request';
  if (f.nullBody && status === 404) return 'resource-not-found';
  if (f.empty || f.nullBody) return kindFromEmptyBody(status, ctx);
  if (f.html && status >= 500) return 'server-error';
  if (f.html) return 'non-json';
  return statusFallback(status, f, ctx);
}

/** Builds the OpenEmrError for an HTTP error answer; the message names status and what the server said. */
export function classifyResponse(res: HttpResponse, ctx: ClassifyContext): OpenEmrError {
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.location;
    const to = location ? redactUrl(new URL(location, res.url).toString()) : 'nowhere (no Location header)';
    return new OpenEmrError('redirected', `${res.method} ${res.url} -> ${res.status} (redirected to ${to}; not followed)`, {
      status: res.status,
    });
  }
  const f = readErrorBody(res);
  const kind = classifyKind(res.status, f, ctx);
  const said = redactText(
    oneLine(
      [f.error, f.message ?? f.description, f.hint, f.diagnostics].filter(Boolean).join(': ') ||
        (f.empty ? 'empty body' : f.html ? 'HTML page' : res.text.slice(0, 120)),
      200,
    ),
  );
  const scope = kind === 'invalid-scope' ? scopeFromHint(f.hint) : kind === 'missing-scope' ? ctx.requiredScope : undefined;
  const param = kind === 'invalid-request' ? parameterFromHint(f.hint) : undefined;
  let fix: string | undefined;
  if (kind === 'missing-scope' && ctx.requiredScope) {
    fix = `Add the scope "${ctx.requiredScope}"${ctx.requiredScopeV1 ? ` (or "${ctx.requiredScopeV1}")` : ''} to the client registration and the sign-in request, then sign in again.`;
  } else if (kind === 'invalid-scope' && scope) {
    fix = `Remove "${scope}" from the requested scopes; this server does not offer it.`;
  } else if (param) {
    fix = `Provide the "${param}" parameter.`;
  }
  return new OpenEmrError(kind, `${res.method} ${res.url} -> ${res.status} (${said})`, {
    status: res.status,
    fix,
    serverError: f.error,
    serverMessage: f.message ?? f.description,
    scopes: scope ? [scope] : undefined,
    validationErrors: f.validationErrors,
  });
}
