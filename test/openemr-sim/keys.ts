/** The server's RS256 signing key (generated at start, or restored from the data file) and its JWKS. */
import {
  compactVerify,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type CryptoKey,
} from 'jose';
import { randomBytes } from 'node:crypto';

export class SigningKey {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly privateJwk: JWK,
  ) {}

  static async create(saved?: JWK): Promise<SigningKey> {
    if (saved) {
      const priv = (await importJWK(saved, 'RS256')) as CryptoKey;
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = saved;
      return new SigningKey(priv, (await importJWK(pub, 'RS256')) as CryptoKey, pub, saved);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(8).toString('hex');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
    return new SigningKey(privateKey, publicKey, publicJwk, privateJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid, typ: 'JWT' }).sign(this.privateKey);
  }

  /** Verifies signature and issuer; returns undefined when the token is not ours or is expired. */
  async verify(token: string, issuer: string): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(token, this.publicKey, { issuer, algorithms: ['RS256'] })).payload;
    } catch {
      return undefined;
    }
  }

  /** Signature only (expired id tokens still log out); undefined when not signed by this server. */
  async verifySignature(token: string): Promise<JWTPayload | undefined> {
    try {
      await compactVerify(token, this.publicKey, { algorithms: ['RS256'] });
      return decodeJwt(token);
    } catch {
      return undefined;
    }
  }
}
