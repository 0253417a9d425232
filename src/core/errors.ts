import { redactText } from './log';

/**
 * The error model: every failure a user can meet is an OpenEmrError with a kind, a one-line message,
 * an explanation in the user's words and the concrete fix. No message ever holds a secret.
 */
export type OpenEmrErrorKind =
  // Server set-up
  | 'api-disabled'
  | 'unknown-site'
  // Client and sign-in
  | 'client-disabled'
  | 'client-unknown'
  | 'bad-credentials'
  | 'mfa-failed'
  | 'password-grant-off'
  | 'grant-unsupported'
  | 'invalid-grant'
  | 'invalid-request'
  | 'registration-rejected'
  | 'authorization-denied'
  | 'authorization-failed'
  // Scopes and permissions
  | 'invalid-scope'
  | 'scope-dropped'
  | 'missing-scope'
  | 'insufficient-permissions'
  | 'acl-denied'
  // Tokens
  | 'not-signed-in'
  | 'token-expired'
  | 'token-revoked'
  // API answers
  | 'route-not-found'
  | 'resource-not-found'
  | 'method-not-supported'
  | 'validation'
  | 'server-error'
  // Transport
  | 'insecure-transport'
  | 'network'
  | 'tls'
  | 'timeout'
  | 'cancelled'
  | 'response-too-large'
  | 'non-json'
  | 'redirected'
  | 'unexpected';

export interface ErrorGuide {
  /** One line, in the user's words: what went wrong. */
  explanation: string;
  /** The concrete fix: admin menu path, global name, or scope to add. */
  fix: string;
}

const CONNECTORS = 'Administration > Config > Connectors';
const API_CLIENTS = 'Administration > System > API Clients';

/** The explanation and fix of every kind. Specific errors may override them (for example with the scope to add). */
export const ERROR_GUIDE: Record<OpenEmrErrorKind, ErrorGuide> = {
  'api-disabled': {
    explanation: 'The OpenEMR API this request needs is switched off on the server.',
    fix: `In ${CONNECTORS}, turn on "Enable OpenEMR Standard REST API" (rest_api), "Enable OpenEMR Standard FHIR REST API" (rest_fhir_api) or "Enable OpenEMR Patient Portal REST API" (rest_portal_api), then save.`,
  },
  'unknown-site': {
    explanation: 'The server has no OpenEMR site with this name.',
    fix: 'Check the site name in the server profile (normally "default"); it must match a folder under sites/.',
  },
  'client-disabled': {
    explanation: 'The server refused the client: it is disabled (awaiting approval), unknown, or its secret is wrong.',
    fix: `Ask an administrator to enable the client in ${API_CLIENTS}; if it was deleted, register it again.`,
  },
  'client-unknown': {
    explanation: 'The server does not know this client id.',
    fix: 'Register the client again (the registration may have been deleted or made on another server or site).',
  },
  'bad-credentials': {
    explanation: 'The username, password or email was not accepted, or the role is not allowed for this grant.',
    fix: `Check the credentials (patients also need their email); check that "Enable OAuth2 Password Grant" (oauth_password_grant) in ${CONNECTORS} allows this role.`,
  },
  'mfa-failed': {
    explanation: 'Multi-factor authentication failed: the one-time code was wrong or MFA is not supported for this login.',
    fix: 'Enter a fresh TOTP code from the authenticator app, or sign in with the authorization code grant.',
  },
  'password-grant-off': {
    explanation: 'The password grant is switched off on this server.',
    fix: `In ${CONNECTORS}, set "Enable OAuth2 Password Grant" (oauth_password_grant) to On for Users Role, Patient Role or Both, or use the authorization code grant.`,
  },
  'grant-unsupported': {
    explanation: 'The server does not support this grant type in its current configuration.',
    fix: `For client_credentials turn on "Enable OpenEMR FHIR System Scopes" (rest_system_scopes_api) in ${CONNECTORS}; otherwise use the authorization code grant.`,
  },
  'invalid-grant': {
    explanation: 'The authorization code or refresh token is invalid, expired, already used or was issued to another client.',
    fix: 'Sign in again.',
  },
  'invalid-request': {
    explanation: 'The server rejected the request as malformed or missing a required parameter.',
    fix: 'Check the parameter named in the message; this may be a client bug worth reporting.',
  },
  'registration-rejected': {
    explanation: 'The server rejected the client registration metadata.',
    fix: 'Public clients may only use patient/ scopes; system/ scopes need a JWKS; redirect URIs are required.',
  },
  'authorization-denied': {
    explanation: 'The sign-in was denied at the authorization page.',
    fix: 'Sign in again and approve the requested scopes.',
  },
  'authorization-failed': {
    explanation: 'The browser sign-in did not complete (state mismatch, missing code or the window was closed).',
    fix: 'Start the sign-in again; make sure the redirect URI registered for the client uses the configured port.',
  },
  'invalid-scope': {
    explanation: 'The server does not know one of the requested scopes.',
    fix: 'Remove the scope named in the message (for example launch/encounter, or v2 scopes on OpenEMR 7.0.3).',
  },
  'scope-dropped': {
    explanation: 'The server granted fewer scopes than requested because the client did not register them.',
    fix: 'Register a client that includes the dropped scopes, then sign in again.',
  },
  'missing-scope': {
    explanation: 'The access token lacks the scope this route needs.',
    fix: 'Add the required scope to the client registration and the sign-in request, then sign in again.',
  },
  'insufficient-permissions': {
    explanation: 'The token may not call this API: it lacks api:oemr / api:port, or the user role is wrong for it.',
    fix: 'Request "api:oemr" for /api (user role users), "api:port" for /portal (patients), "api:fhir" for /fhir.',
  },
  'acl-denied': {
    explanation: "OpenEMR's access control denied the signed-in user access to this resource.",
    fix: 'In Administration > Users (and ACL), give the user the needed access, for example "patients/demo".',
  },
  'not-signed-in': {
    explanation: 'The request carried no access token.',
    fix: 'Sign in to this server first.',
  },
  'token-expired': {
    explanation: 'The access token was rejected: it expired or could not be verified.',
    fix: 'Sign in again (a refresh needs the offline_access scope).',
  },
  'token-revoked': {
    explanation: 'The token was revoked or its session was logged out.',
    fix: 'Sign in again.',
  },
  'route-not-found': {
    explanation: 'The server has no such API route.',
    fix: 'Check the path against the API reference; some routes exist only in newer OpenEMR versions.',
  },
  'resource-not-found': {
    explanation: 'Nothing was found with this id.',
    fix: 'Check the id: routes named :puuid/:euuid take UUIDs, routes named :pid/:eid take numeric ids.',
  },
  'method-not-supported': {
    explanation: 'The route exists but not for this HTTP method.',
    fix: 'Use a method the route supports (see the resource catalog).',
  },
  validation: {
    explanation: 'The server rejected the input.',
    fix: 'Correct the fields listed in the validation errors.',
  },
  'server-error': {
    explanation: 'The server failed while handling the request.',
    fix: "Check OpenEMR's PHP error log; retry later.",
  },
  'insecure-transport': {
    explanation: 'Refused to send a password, secret or token over plain http to a host that is not this machine.',
    fix: 'Use https, or enable "allow insecure http" in the server profile if you accept the risk.',
  },
  network: {
    explanation: 'The server could not be reached.',
    fix: 'Check the server URL, that the server is running, and proxies or firewalls.',
  },
  tls: {
    explanation: 'The TLS connection failed: the certificate is not trusted or does not match the host.',
    fix: 'Add the CA certificate to the server profile, or allow the self-signed certificate for this server.',
  },
  timeout: {
    explanation: 'The server did not answer in time.',
    fix: 'Retry, or raise the time-out in the server profile.',
  },
  cancelled: { explanation: 'The request was cancelled.', fix: 'Run it again when needed.' },
  'response-too-large': {
    explanation: 'The response was larger than the configured size cap.',
    fix: 'Ask for a smaller page (_limit / _count), or raise the cap in the server profile.',
  },
  'non-json': {
    explanation: 'The server answered with something other than JSON (an empty body or an HTML page).',
    fix: 'Check the server URL and site; an HTML page usually means a PHP error or a wrong path.',
  },
  redirected: {
    explanation:
      'The server answered with a redirect. Redirects are not followed, so that a token or password never travels to an address the server picks.',
    fix: "If the new address is right, change the server profile's base URL to it (OpenEMR: Edit Server); otherwise check the web server or proxy configuration.",
  },
  unexpected: {
    explanation: 'The server gave an answer this client does not understand.',
    fix: 'See the log (OpenEMR: Show Log) for the status and body.',
  },
};

export interface OpenEmrErrorInit {
  status?: number;
  explanation?: string;
  fix?: string;
  /** What OpenEMR said (error code, hint), already free of secrets. */
  serverError?: string;
  serverMessage?: string;
  /** Scopes involved (dropped, missing or invalid). */
  scopes?: string[];
  validationErrors?: unknown;
  cause?: unknown;
}

export class OpenEmrError extends Error {
  override readonly name = 'OpenEmrError';
  readonly kind: OpenEmrErrorKind;
  readonly status?: number;
  readonly explanation: string;
  readonly fix: string;
  readonly serverError?: string;
  readonly serverMessage?: string;
  readonly scopes?: string[];
  readonly validationErrors?: unknown;

  constructor(kind: OpenEmrErrorKind, message: string, init: OpenEmrErrorInit = {}) {
    // Redacted again here so that no construction site can put a token into a message by accident.
    super(redactText(oneLine(message)), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.status = init.status;
    this.explanation = init.explanation ?? ERROR_GUIDE[kind].explanation;
    this.fix = init.fix ?? ERROR_GUIDE[kind].fix;
    this.serverError = init.serverError && redactText(oneLine(init.serverError));
    this.serverMessage = init.serverMessage && redactText(oneLine(init.serverMessage));
    this.scopes = init.scopes;
    this.validationErrors = init.validationErrors;
  }

  /** A plain object without secrets, fit for command results and webviews. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      status: this.status,
      explanation: this.explanation,
      fix: this.fix,
      serverError: this.serverError,
      serverMessage: this.serverMessage,
      scopes: this.scopes,
      validationErrors: this.validationErrors,
    };
  }
}

export function isOpenEmrError(value: unknown, kind?: OpenEmrErrorKind): value is OpenEmrError {
  return value instanceof OpenEmrError && (kind === undefined || value.kind === kind);
}

/** Collapses whitespace so a message is always one line, and caps its length. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
