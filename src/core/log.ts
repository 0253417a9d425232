/**
 * Logging. `Logger` has the shape of VS Code's LogOutputChannel, so the editor layer passes its channel in.
 * Everything below src/core logs through `redactingLogger`, so no secret reaches a log line.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const noop = (): void => undefined;
export const nullLogger: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Names of fields, query parameters and headers whose values are always secret. */
export const SECRET_FIELD_NAMES = [
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'client_secret',
  'client_assertion',
  'registration_access_token',
  'password',
  'mfa_token',
  'code',
  'code_verifier',
  'token',
  'authorization',
  'cookie',
  'set-cookie',
  'private_key',
] as const;

/** Private members of a JWK; redacted only as JSON fields (single letters are too common in query strings). */
const JWK_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

const REDACTED = '[redacted]';

interface FieldPatterns {
  /** `name=value` in query strings and form bodies. */
  query: RegExp;
  /** `"name": "value"` in JSON text. */
  json: RegExp;
}

function fieldPatterns(names: readonly string[]): FieldPatterns {
  const alternation = names.join('|').replace(/-/g, '\\-');
  return {
    query: new RegExp(`([?&;\\s]|^)(${alternation})=([^&#\\s"']*)`, 'gi'),
    json: new RegExp(`("(?:${alternation}|${JWK_PRIVATE_MEMBERS.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
  };
}

const ANY_TEXT = fieldPatterns(SECRET_FIELD_NAMES);
/**
 * In API bodies a field or search parameter named `code` is data (a FHIR coding, `Observation?code=...` in a
 * Bundle's next link), never an authorization code: that one travels only in the redirect to the callback and
 * in the token request, which are not API bodies.
 */
const API_BODY = fieldPatterns(SECRET_FIELD_NAMES.filter((name) => name !== 'code'));
/** `Bearer xyz` / `Basic xyz` credentials. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Anything that looks like a compact JWS/JWT. */
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Removes secrets from free text: known secret values first, then anything shaped like one. */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  return redactWith(ANY_TEXT, text, knownSecrets);
}

/** As `redactText`, for the body of an API request or answer: a field named `code` stays (it is data there). */
export function redactApiBody(text: string, knownSecrets: Iterable<string> = []): string {
  return redactWith(API_BODY, text, knownSecrets);
}

function redactWith(fields: FieldPatterns, text: string, knownSecrets: Iterable<string>): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Short values would blank out ordinary words; they are covered by the patterns below.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(JWT_LIKE, REDACTED)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(fields.json, (_m, prefix: string) => `${prefix}"${REDACTED}"`)
    .replace(fields.query, (_m, sep: string, name: string) => `${sep}${name}=${REDACTED}`);
}

/** A URL with the values of secret query parameters removed; for log lines and error messages. */
export function redactUrl(url: string): string {
  // Secrets live in the query or the user-info part: a URL with neither has nothing to remove.
  if (!url.includes('?') && !url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if ((SECRET_FIELD_NAMES as readonly string[]).includes(name.toLowerCase())) parsed.searchParams.set(name, REDACTED);
    }
    return parsed.toString();
  } catch {
    return redactText(url);
  }
}

function renderArg(arg: unknown): string {
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

/** A Logger that also learns secret values at run time (tokens as they are issued). */
export interface RedactingLogger extends Logger {
  /** Registers a value that must never be printed. */
  addSecret(value: string | undefined): void;
}

/**
 * Wraps a Logger: every message and argument is rendered to text and redacted before it is passed on,
 * so objects holding secrets cannot leak through structured arguments either.
 */
export function redactingLogger(inner: Logger, secrets: Set<string> = new Set()): RedactingLogger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, ...args: unknown[]): void => {
      const text = [message, ...args.map(renderArg)].join(' ');
      inner[level](redactText(text, secrets));
    };
  return {
    trace: wrap('trace'),
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
    addSecret(value) {
      if (value) secrets.add(value);
    },
  };
}

/** Wraps only when needed, so wrapping twice does not redact twice. */
export function ensureRedacting(logger: Logger | undefined): RedactingLogger {
  if (logger && 'addSecret' in logger) return logger as RedactingLogger;
  return redactingLogger(logger ?? nullLogger);
}
