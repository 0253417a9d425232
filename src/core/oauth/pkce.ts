import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe random string (base64url of `bytes` random bytes). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** S256 challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh PKCE pair; the 43-character verifier is the RFC's minimum length with 256 bits of entropy. */
export function createPkce(): Pkce {
  const verifier = randomToken(32);
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}
