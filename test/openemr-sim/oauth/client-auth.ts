/** Who is calling the token and introspection endpoints: Basic, client_secret in the body, or a JWT assertion. */
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { oauthErrors } from '../errors.js';
import { fail } from '../reply.js';
import type { ClientRecord, SimState } from '../state.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface PresentedCredentials {
  clientId?: string;
  secret?: string;
  assertion?: string;
}

export function presentedCredentials(authorization: string | undefined, form: Record<string, string>): PresentedCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id), secret: decodeURIComponent(rest.join(':')) };
  }
  if (form.client_assertion_type === ASSERTION_TYPE && form.client_assertion) {
    let iss: string | undefined;
    try {
      iss = decodeJwt(form.client_assertion).iss;
    } catch {
      iss = undefined;
    }
    return { clientId: form.client_id || iss, assertion: form.client_assertion };
  }
  return { clientId: form.client_id || undefined, secret: form.client_secret };
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

function keySetOf(client: ClientRecord): JWTVerifyGetKey | undefined {
  if (client.jwks) return createLocalJWKSet(client.jwks);
  if (!client.jwks_uri) return undefined;
  let set = remoteSets.get(client.jwks_uri);
  if (!set) remoteSets.set(client.jwks_uri, (set = createRemoteJWKSet(new URL(client.jwks_uri))));
  return set;
}

/**
 * Checks an RS384 client assertion against the client's registered keys: iss = sub = client_id,
 * aud = the token URL, exp present, jti never seen before.
 */
export async function verifyAssertion(
  state: SimState,
  client: ClientRecord,
  assertion: string,
  audience: string | string[],
): Promise<boolean> {
  const keys = keySetOf(client);
  if (!keys) return false;
  try {
    const { payload } = await jwtVerify(assertion, keys, {
      algorithms: ['RS384'],
      audience,
      issuer: client.client_id,
      subject: client.client_id,
      requiredClaims: ['exp', 'jti'],
    });
    const jti = String(payload.jti);
    if (state.tokens.assertionJtis.has(jti)) return false;
    state.tokens.assertionJtis.add(jti);
    return true;
  } catch {
    return false;
  }
}

/**
 * The enabled client behind the request. Confidential clients must prove themselves when `requireProof`
 * (authorization_code, refresh_token, client_credentials); the password grant does not check secrets.
 * Assertions authenticate client_credentials in every version, and the other grants only from 8.x on.
 */
export async function authenticateClient(
  state: SimState,
  creds: PresentedCredentials,
  tokenUrl: string,
  requireProof: boolean,
  assertionAllowed = state.flavor === 8,
): Promise<ClientRecord> {
  const client = creds.clientId ? state.clients.get(creds.clientId) : undefined;
  if (!client || !client.enabled) fail(oauthErrors.invalidClient());
  if (!requireProof || client.isPublic) return client;
  if (creds.assertion !== undefined) {
    if (!assertionAllowed || !(await verifyAssertion(state, client, creds.assertion, tokenUrl)))
      fail(oauthErrors.invalidClient());
    return client;
  }
  if (!creds.secret || creds.secret !== client.client_secret) fail(oauthErrors.invalidClient());
  return client;
}
