import type { JWK } from 'jose';
import type { SecretStore } from '../secrets';

/** The secret half of a registered client; the non-secret half (client id, scopes) may live in settings. */
export interface ClientSecrets {
  clientSecret?: string;
  registrationAccessToken?: string;
  privateJwk?: JWK;
}

/** Key under which a client's secrets are kept, next to `${base}/tokens`. */
export function clientSecretsKey(base: string): string {
  return `${base}/client`;
}

export function tokensKey(base: string): string {
  return `${base}/tokens`;
}

export async function storeClientSecrets(store: SecretStore, base: string, secrets: ClientSecrets): Promise<void> {
  await store.store(clientSecretsKey(base), JSON.stringify(secrets));
}

export async function loadClientSecrets(store: SecretStore, base: string): Promise<ClientSecrets | undefined> {
  const text = await store.get(clientSecretsKey(base));
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return {
      clientSecret: typeof o.clientSecret === 'string' ? o.clientSecret : undefined,
      registrationAccessToken: typeof o.registrationAccessToken === 'string' ? o.registrationAccessToken : undefined,
      privateJwk: o.privateJwk && typeof o.privateJwk === 'object' ? (o.privateJwk as JWK) : undefined,
    };
  } catch {
    return undefined;
  }
}

export async function deleteClientSecrets(store: SecretStore, base: string): Promise<void> {
  await store.delete(clientSecretsKey(base));
  await store.delete(tokensKey(base));
}
