/** A simulator and two signed-in API clients for the write tests: a user session and a backend (system) session. */
import {
  BULK_EXPORT_SCOPES,
  generateClientKeyPair,
  MemorySecretStore,
  OpenEmrClient,
  staticTokenSource,
  TokenSession,
} from '../../../src/core';
import type { SimOptions } from '../../openemr-sim';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';

export const WRITE_SCOPES = [
  'openid',
  'offline_access',
  'api:oemr',
  'api:fhir',
  ...[
    'patient',
    'encounter',
    'vital',
    'soap_note',
    'allergy',
    'medical_problem',
    'medication',
    'surgery',
    'dental_issue',
    'appointment',
    'insurance',
    'transaction',
    'facility',
    'practitioner',
    'insurance_company',
  ].flatMap((r) => [`user/${r}.read`, `user/${r}.write`]),
  'user/message.write',
  'user/prescription.crds',
  'user/Patient.read',
  'user/Patient.write',
  'user/Practitioner.read',
  'user/Practitioner.write',
  'user/Organization.read',
  'user/Organization.write',
];

export const EXPORT_SCOPES = ['system/Patient.read', 'system/Group.read', ...BULK_EXPORT_SCOPES];

export interface WriteContext extends SimContext {
  user: OpenEmrClient;
  session: TokenSession;
}

export async function userContext(options: SimOptions = {}): Promise<WriteContext> {
  const ctx = await startSim(options);
  const client = await enabledClient(ctx, { scopes: WRITE_SCOPES });
  const session = new TokenSession({ oauth: oauthFor(ctx, client), secrets: new MemorySecretStore(), key: 'writes' });
  await session.signedIn(await adminPasswordTokens(oauthFor(ctx, client), WRITE_SCOPES));
  return { ...ctx, session, user: new OpenEmrClient({ http: ctx.http, tokens: session }) };
}

/** A client-credentials client for bulk export (system scopes must be on). */
export async function systemClient(ctx: SimContext, scopes = EXPORT_SCOPES): Promise<OpenEmrClient> {
  const keys = await generateClientKeyPair();
  const client = await enabledClient(ctx, { scopes, jwks: keys.jwks, tokenEndpointAuthMethod: 'private_key_jwt' });
  const tokens = await oauthFor(ctx, client, { clientSecret: undefined, privateJwk: keys.privateJwk }).clientCredentials(scopes);
  return new OpenEmrClient({ http: ctx.http, tokens: staticTokenSource(tokens.accessToken, tokens.grantedScopes) });
}

/** POSTs to a simulator control. */
export async function simControl<T = unknown>(ctx: SimContext, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${ctx.sim.url}/__sim/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}
