import { OpenEmrError } from '../errors';
import { splitScopes } from '../catalog/scopes';
import { decodeClaims, type JWTPayload } from './jwt';

export type GrantType = 'authorization_code' | 'password' | 'refresh_token' | 'client_credentials';

/** Launch context OpenEMR returns with SMART scopes. */
export interface LaunchContext {
  patient?: string;
  encounter?: string;
  needPatientBanner?: boolean;
  smartStyleUrl?: string;
}

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  /** Epoch ms when it was issued (by our clock). */
  obtainedAt: number;
  refreshToken?: string;
  idToken?: string;
  /** The grant that produced the original sign-in (a refresh keeps it). */
  grant: GrantType;
  /** What the server says it granted (the response `scope`, plus scopes in the access token's claims). */
  grantedScopes: string[];
  /** What we asked for. */
  requestedScopes: string[];
  /** Requested but not granted (scopes containing ':' are hidden in responses, so they are never counted). */
  droppedScopes: string[];
  /** Decoded, unverified claims: for display and scheduling only. */
  accessClaims?: JWTPayload;
  idClaims?: JWTPayload;
  context: LaunchContext;
}

/** A view of a TokenSet without any token, fit for the UI, logs and command results. */
export interface TokenSummary {
  grant: GrantType;
  expiresAt: number;
  obtainedAt: number;
  hasRefreshToken: boolean;
  hasIdToken: boolean;
  grantedScopes: string[];
  requestedScopes: string[];
  droppedScopes: string[];
  subject?: string;
  fhirUser?: string;
  context: LaunchContext;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function claimScopes(claims: JWTPayload | undefined): string[] {
  if (!claims) return [];
  const raw = claims.scopes ?? claims.scope;
  if (Array.isArray(raw)) return splitScopes(raw.filter((s): s is string => typeof s === 'string'));
  return typeof raw === 'string' ? splitScopes(raw) : [];
}

export function droppedScopes(requested: readonly string[], granted: readonly string[]): string[] {
  return requested.filter((s) => !s.includes(':') && !granted.includes(s));
}

/**
 * Builds a TokenSet from a token endpoint answer. When the answer has no `scope`, the grant equals the request
 * (RFC 6749 §5.1). Throws OpenEmrError('unexpected') when the body is not a usable token response.
 */
export function tokenSetFromResponse(
  body: unknown,
  requestedScopes: readonly string[],
  grant: GrantType,
  now = Date.now(),
): TokenSet {
  const o = asRecord(body);
  const accessToken = o.access_token;
  if (typeof accessToken !== 'string' || !accessToken) {
    throw new OpenEmrError('unexpected', 'The token endpoint answered without an access_token');
  }
  const expiresIn = Number(o.expires_in);
  const accessClaims = decodeClaims(accessToken);
  const idToken = typeof o.id_token === 'string' && o.id_token ? o.id_token : undefined;
  const fromClaims = typeof accessClaims?.exp === 'number' ? accessClaims.exp * 1000 : undefined;
  const expiresAt = Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : (fromClaims ?? now + 3600_000);
  const responseScopes = typeof o.scope === 'string' ? splitScopes(o.scope) : undefined;
  const requested = splitScopes(requestedScopes);
  const granted = splitScopes([...(responseScopes ?? requested), ...claimScopes(accessClaims)]);
  return {
    accessToken,
    tokenType: typeof o.token_type === 'string' ? o.token_type : 'Bearer',
    expiresAt,
    obtainedAt: now,
    refreshToken: typeof o.refresh_token === 'string' && o.refresh_token ? o.refresh_token : undefined,
    idToken,
    grant,
    grantedScopes: granted,
    requestedScopes: requested,
    droppedScopes: droppedScopes(requested, granted),
    accessClaims,
    idClaims: decodeClaims(idToken),
    context: {
      patient: typeof o.patient === 'string' ? o.patient : undefined,
      encounter: typeof o.encounter === 'string' ? o.encounter : undefined,
      needPatientBanner: typeof o.need_patient_banner === 'boolean' ? o.need_patient_banner : undefined,
      smartStyleUrl: typeof o.smart_style_url === 'string' ? o.smart_style_url : undefined,
    },
  };
}

/** A `scope-dropped` error naming what the server left out, or undefined when everything was granted. */
export function droppedScopesError(tokens: Pick<TokenSet, 'droppedScopes'>): OpenEmrError | undefined {
  if (!tokens.droppedScopes.length) return undefined;
  const list = tokens.droppedScopes.join(' ');
  return new OpenEmrError('scope-dropped', `The server did not grant: ${list}`, {
    scopes: [...tokens.droppedScopes],
    fix: `Register a client that includes ${list} (or ask an administrator to add them in Administration > System > API Clients), then sign in again.`,
  });
}

export function isExpired(tokens: Pick<TokenSet, 'expiresAt'>, skewMs = 0, now = Date.now()): boolean {
  return now + skewMs >= tokens.expiresAt;
}

export function summarizeTokens(tokens: TokenSet): TokenSummary {
  const claim = (name: string): string | undefined => {
    const v = tokens.idClaims?.[name] ?? tokens.accessClaims?.[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    grant: tokens.grant,
    expiresAt: tokens.expiresAt,
    obtainedAt: tokens.obtainedAt,
    hasRefreshToken: Boolean(tokens.refreshToken),
    hasIdToken: Boolean(tokens.idToken),
    grantedScopes: tokens.grantedScopes,
    requestedScopes: tokens.requestedScopes,
    droppedScopes: tokens.droppedScopes,
    subject: claim('sub'),
    fhirUser: claim('fhirUser'),
    context: tokens.context,
  };
}

/** Serialises for a SecretStore (claims are re-derived on load, so they are not stored). */
export function serializeTokenSet(tokens: TokenSet): string {
  const { accessClaims: _a, idClaims: _i, ...rest } = tokens;
  return JSON.stringify({ v: 1, ...rest });
}

/** The inverse of serializeTokenSet; undefined for anything corrupt. */
export function parseTokenSet(text: string | undefined): TokenSet | undefined {
  if (!text) return undefined;
  let o: Record<string, unknown>;
  try {
    o = asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (o.v !== 1 || typeof o.accessToken !== 'string' || typeof o.expiresAt !== 'number') return undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const opt = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  return {
    accessToken: o.accessToken,
    tokenType: opt(o.tokenType) ?? 'Bearer',
    expiresAt: o.expiresAt,
    obtainedAt: typeof o.obtainedAt === 'number' ? o.obtainedAt : 0,
    refreshToken: opt(o.refreshToken),
    idToken: opt(o.idToken),
    grant:
      (['authorization_code', 'password', 'refresh_token', 'client_credentials'] as const).find((g) => g === o.grant) ??
      'authorization_code',
    grantedScopes: strings(o.grantedScopes),
    requestedScopes: strings(o.requestedScopes),
    droppedScopes: strings(o.droppedScopes),
    accessClaims: decodeClaims(o.accessToken),
    idClaims: decodeClaims(opt(o.idToken)),
    context: asRecord(o.context) as LaunchContext,
  };
}
