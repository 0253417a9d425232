/** Issues access tokens (RS256 JWTs), id tokens and rotating refresh tokens for a grant (facts §3). */
import { randomUUID } from 'node:crypto';
import { reply, type Reply } from '../reply.js';
import type { SimState } from '../state.js';
import { randomToken, REFRESH_TTL_MS, type Grant } from '../tokens.js';

export interface IssueOptions {
  ttlSeconds: number;
  nonce?: string;
  /** client_credentials never gets a refresh token */
  allowRefresh: boolean;
}

/** Scopes as shown to clients: without `site:` entries. */
export function visibleScopes(scopes: readonly string[]): string {
  return scopes.filter((s) => !s.startsWith('site:')).join(' ');
}

/** 7.0.3 appends site:{site} to every token; 8.x reads the site from the path. */
export function withSiteScope(state: SimState, scopes: string[], site: string): string[] {
  return state.flavor === 7 && !scopes.includes(`site:${site}`) ? [...scopes, `site:${site}`] : scopes;
}

function fhirUserOf(state: SimState, g: Grant): string {
  const kind = g.role === 'patient' ? 'Patient' : 'Practitioner';
  return `${state.fhirBase(g.site)}/${kind}/${g.sub}`;
}

export async function issueTokens(state: SimState, grant: Grant, opts: IssueOptions): Promise<Reply> {
  const now = Math.floor(Date.now() / 1000);
  const jti = randomToken(20);
  const ttl = Math.max(1, Math.floor(opts.ttlSeconds));
  const iss = state.oauthBase(grant.site);
  state.tokens.access.set(jti, { ...grant, jti, exp: (now + ttl) * 1000, revoked: false });
  const accessToken = await state.key.sign({
    iss,
    aud: grant.clientId,
    sub: grant.sub,
    jti,
    iat: now,
    nbf: now,
    exp: now + ttl,
    scopes: grant.scopes,
    ...(grant.patient ? { patient: grant.patient } : {}),
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    expires_in: ttl,
    access_token: accessToken,
    scope: visibleScopes(grant.scopes),
  };
  if (grant.scopes.includes('openid')) {
    const idJti = randomUUID();
    if (grant.sessionId) state.tokens.idTokens.set(idJti, grant.sessionId);
    body.id_token = await state.key.sign({
      iss,
      aud: grant.clientId,
      sub: grant.sub,
      jti: idJti,
      iat: now,
      exp: now + 3600,
      auth_time: now,
      ...(opts.nonce ? { nonce: opts.nonce } : {}),
      ...(grant.scopes.includes('fhirUser') ? { fhirUser: fhirUserOf(state, grant) } : {}),
      ...(grant.username ? { preferred_username: grant.username } : {}),
      ...(grant.sessionId ? { sid: grant.sessionId } : {}),
    });
  }
  if (opts.allowRefresh && grant.scopes.includes('offline_access')) {
    const token = randomToken(48);
    state.tokens.refresh.set(token, { ...grant, token, exp: Date.now() + REFRESH_TTL_MS, revoked: false });
    body.refresh_token = token;
  }
  if (grant.patient)
    Object.assign(body, {
      patient: grant.patient,
      need_patient_banner: true,
      smart_style_url: `${state.url}/public/smart-styles/smart-light.json`,
    });
  if (grant.encounter) body.encounter = grant.encounter;
  state.persist();
  return reply.json(200, body);
}
