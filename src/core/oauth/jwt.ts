import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

/**
 * Decodes a JWT's claims WITHOUT verifying the signature. Only for display and scheduling (expiry,
 * scopes, subject); never for a security decision. Returns undefined for anything that is not a JWT.
 */
export function decodeClaims(token: string | undefined): JWTPayload | undefined {
  if (!token || token.split('.').length !== 3) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

export function decodeHeader(token: string | undefined): ProtectedHeaderParameters | undefined {
  if (!token) return undefined;
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

export type { JWTPayload };
