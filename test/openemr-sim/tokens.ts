/** Server-side token state: authorization codes, access and refresh tokens, trusted-user sessions, used jtis. */
import { randomBytes } from 'node:crypto';

export type Role = 'users' | 'patient' | 'system';

/** What a grant hands over; carried from code to tokens and across refreshes. */
export interface Grant {
  clientId: string;
  site: string;
  scopes: string[];
  role: Role;
  /** user uuid, patient uuid, or the client id for client_credentials */
  sub: string;
  username?: string;
  /** SMART launch context */
  patient?: string;
  encounter?: string;
  /** trusted-user session; logout ends it */
  sessionId?: string;
}

export interface AccessRecord extends Grant {
  jti: string;
  exp: number;
  revoked: boolean;
}

export interface RefreshRecord extends Grant {
  token: string;
  exp: number;
  revoked: boolean;
}

export interface CodeRecord extends Grant {
  code: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  exp: number;
}

export interface TokenSnapshot {
  access: AccessRecord[];
  refresh: RefreshRecord[];
  sessions: string[];
  idTokens: Array<[string, string]>;
  /** client-assertion jtis already used; optional so files written before it still load */
  assertionJtis?: string[];
}

export const REFRESH_TTL_MS = 90 * 86_400_000; // P3M
export const CODE_TTL_MS = 60_000;

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export class TokenStore {
  readonly access = new Map<string, AccessRecord>();
  readonly refresh = new Map<string, RefreshRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly sessions = new Set<string>();
  /** id token jti -> session, for logout */
  readonly idTokens = new Map<string, string>();
  readonly assertionJtis = new Set<string>();

  newSession(): string {
    const id = randomToken(12);
    this.sessions.add(id);
    return id;
  }

  sessionAlive(g: Grant): boolean {
    return g.sessionId === undefined || this.sessions.has(g.sessionId);
  }

  /** POST /__sim/tokens/expire: every access token is now expired. */
  expireAll(now = Date.now()): void {
    for (const a of this.access.values()) a.exp = Math.min(a.exp, now - 1);
  }

  /** POST /__sim/tokens/revoke: every token is revoked. */
  revokeAll(): void {
    for (const a of this.access.values()) a.revoked = true;
    for (const r of this.refresh.values()) r.revoked = true;
    this.codes.clear();
  }

  /** Revokes every token of one client (the admin page's disable does this). */
  revokeClient(clientId: string): void {
    for (const a of this.access.values()) if (a.clientId === clientId) a.revoked = true;
    for (const r of this.refresh.values()) if (r.clientId === clientId) r.revoked = true;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
    this.codes.clear();
    this.sessions.clear();
    this.idTokens.clear();
    this.assertionJtis.clear();
  }

  snapshot(): TokenSnapshot {
    return {
      access: [...this.access.values()],
      refresh: [...this.refresh.values()],
      sessions: [...this.sessions],
      idTokens: [...this.idTokens],
      assertionJtis: [...this.assertionJtis],
    };
  }

  restore(s: TokenSnapshot): void {
    for (const a of s.access) this.access.set(a.jti, a);
    for (const r of s.refresh) this.refresh.set(r.token, r);
    for (const id of s.sessions) this.sessions.add(id);
    for (const [k, v] of s.idTokens) this.idTokens.set(k, v);
    for (const jti of s.assertionJtis ?? []) this.assertionJtis.add(jti);
  }
}
