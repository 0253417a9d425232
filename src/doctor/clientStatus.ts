/**
 * Whether the server accepts a client right now. OpenEMR offers no "is my client enabled" endpoint, but its
 * token endpoint authenticates the client before it looks at the grant (league's validateClient runs
 * first): an authorization_code request with a made-up code answers invalid_client for a disabled or
 * unknown client and invalid_grant for an enabled one. Nothing is issued and nothing changes on the server.
 */
import { OpenEmrError, type OAuthClient } from '../core';

export type ClientStatus =
  { enabled: true } | { enabled: false; error: OpenEmrError } | { enabled: 'unknown'; error: OpenEmrError };

const REFUSED_CLIENT = new Set(['client-disabled', 'client-unknown']);
/** What an enabled client gets back for a made-up code. */
const CODE_REJECTED = new Set(['invalid-grant', 'invalid-request', 'authorization-failed']);

export async function probeClientEnabled(oauth: OAuthClient, redirectUri: string, signal?: AbortSignal): Promise<ClientStatus> {
  const request = oauth.buildAuthorizationRequest({ scopes: ['openid'], redirectUri });
  const query = new URLSearchParams({ state: request.state, code: `probe-${request.state}` });
  try {
    await oauth.completeAuthorization(request, query, signal);
  } catch (err) {
    const error =
      err instanceof OpenEmrError ? err : new OpenEmrError('unexpected', 'Checking the client failed', { cause: err });
    if (REFUSED_CLIENT.has(error.kind)) return { enabled: false, error };
    if (CODE_REJECTED.has(error.kind)) return { enabled: true };
    return { enabled: 'unknown', error };
  }
  // A made-up code was accepted: impossible on OpenEMR; treat it as unknown rather than guess.
  return { enabled: 'unknown', error: new OpenEmrError('unexpected', 'The token endpoint accepted a made-up code') };
}
