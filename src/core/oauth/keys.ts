import { exportJWK, generateKeyPair, importJWK, SignJWT, calculateJwkThumbprint, type JWK } from 'jose';
import { randomToken } from './pkce';

/** OpenEMR only accepts RS384 client assertions (facts §1). */
export const CLIENT_ASSERTION_ALG = 'RS384';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface JsonWebKeySet {
  keys: JWK[];
}

export interface ClientKeyPair {
  kid: string;
  /** Secret: store it through the SecretStore only. */
  privateJwk: JWK;
  publicJwk: JWK;
  /** What goes into the registration's `jwks`. */
  jwks: JsonWebKeySet;
}

/** A fresh RSA key pair for private_key_jwt / client_credentials, with its public JWKS. */
export async function generateClientKeyPair(): Promise<ClientKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(CLIENT_ASSERTION_ALG, { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const pub: JWK = { ...publicJwk, kid, alg: CLIENT_ASSERTION_ALG, use: 'sig' };
  const priv: JWK = { ...(await exportJWK(privateKey)), kid, alg: CLIENT_ASSERTION_ALG, use: 'sig' };
  return { kid, privateJwk: priv, publicJwk: pub, jwks: { keys: [pub] } };
}

/** An RS384 client assertion: iss = sub = client_id, aud = the token URL, a 5-minute exp and a fresh jti. */
export async function createClientAssertion(
  privateJwk: JWK,
  clientId: string,
  audience: string,
  now = Date.now(),
): Promise<string> {
  const key = await importJWK(privateJwk, CLIENT_ASSERTION_ALG);
  const iat = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: CLIENT_ASSERTION_ALG, kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(randomToken(16))
    .sign(key);
}
