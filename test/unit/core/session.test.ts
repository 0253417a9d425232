import assert from 'node:assert/strict';
import {
  createConnection,
  MemorySecretStore,
  OpenEmrError,
  parseTokenSet,
  TokenSession,
  generateClientKeyPair,
  type SessionChange,
  type TokenSet,
} from '../../../src/core';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from './sim-helpers';

/** A SecretStore that records the order of writes, and can be slow. */
class RecordingStore extends MemorySecretStore {
  events: string[] = [];
  delayMs = 0;
  override async store(key: string, value: string): Promise<void> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    await super.store(key, value);
    this.events.push(`stored:${parseTokenSet(value)?.refreshToken ?? '-'}`);
  }
}

describe('core/oauth/session against the simulator', () => {
  let ctx: SimContext;
  before(async () => {
    ctx = await startSim({ flavor: 8, systemScopes: true });
  });
  after(() => ctx.close());

  async function signedInSession(opts: { skewMs?: number; expiresIn?: number } = {}) {
    const client = await enabledClient(ctx);
    const oauth = oauthFor(ctx, client);
    const store = new RecordingStore();
    const session = new TokenSession({ oauth, secrets: store, key: `k/${client.clientId}`, skewMs: opts.skewMs });
    const changes: SessionChange[] = [];
    session.onDidChange((c) => changes.push(c));
    const tokens = await adminPasswordTokens(oauth);
    const adjusted: TokenSet = opts.expiresIn === undefined ? tokens : { ...tokens, expiresAt: Date.now() + opts.expiresIn };
    await session.signedIn(adjusted);
    return { client, oauth, store, session, changes, tokens: adjusted };
  }

  const refreshCount = () => ctx.sim.counters().byGrant.refresh_token ?? 0;

  it('single flight: 200 concurrent callers with an expired token cause exactly one refresh', async () => {
    const { session, tokens, changes } = await signedInSession({ expiresIn: -1000 });
    const before = refreshCount();
    const results = await Promise.all(Array.from({ length: 200 }, () => session.getAccessToken()));
    assert.equal(refreshCount() - before, 1);
    assert.equal(new Set(results).size, 1);
    assert.notEqual(results[0], tokens.accessToken);
    assert.deepEqual(
      changes.map((c) => c.reason),
      ['signed-in', 'refreshed'],
    );
    assert.ok(!JSON.stringify(changes).includes(results[0]!), 'events carry no token');
  });

  it('persists the rotated refresh token before any caller gets the new access token', async () => {
    const { session, store, tokens } = await signedInSession({ expiresIn: -1000 });
    store.delayMs = 100;
    store.events = [];
    const token = await session.getAccessToken().then((t) => {
      store.events.push('caller');
      return t;
    });
    const newRefresh = session.current!.refreshToken!;
    assert.notEqual(newRefresh, tokens.refreshToken);
    assert.deepEqual(store.events, [`stored:${newRefresh}`, 'caller']);
    const stored = parseTokenSet(await store.get(store.keys()[0]!));
    assert.equal(stored?.refreshToken, newRefresh);
    assert.equal(stored?.accessToken, token);
  });

  it('refreshes ahead of expiry according to the skew', async () => {
    const early = await signedInSession({ expiresIn: 30_000, skewMs: 60_000 });
    const before = refreshCount();
    assert.notEqual(await early.session.getAccessToken(), early.tokens.accessToken);
    assert.equal(refreshCount() - before, 1);
    const late = await signedInSession({ expiresIn: 30_000, skewMs: 10_000 });
    assert.equal(await late.session.getAccessToken(), late.tokens.accessToken);
  });

  it('a new session instance loads the persisted tokens', async () => {
    const { oauth, store, client, tokens } = await signedInSession();
    const again = new TokenSession({ oauth, secrets: store, key: `k/${client.clientId}` });
    assert.equal(await again.getAccessToken(), tokens.accessToken);
    assert.equal(again.summary()?.hasRefreshToken, true);
  });

  it('a dead refresh token clears the stored tokens and reports refresh-failed', async () => {
    const { session, store, changes, client } = await signedInSession({ expiresIn: -1000 });
    ctx.sim.revokeTokens();
    await assert.rejects(
      session.getAccessToken(),
      (e: unknown) => e instanceof OpenEmrError && ['invalid-grant', 'token-revoked'].includes(e.kind),
    );
    assert.equal(await store.get(`k/${client.clientId}`), undefined);
    assert.equal(changes.at(-1)?.reason, 'refresh-failed');
    await assert.rejects(session.getAccessToken(), (e: unknown) => e instanceof OpenEmrError && e.kind === 'not-signed-in');
  });

  it('without a refresh token an expired session says so', async () => {
    const { session, tokens } = await signedInSession();
    await session.signedIn({ ...tokens, refreshToken: undefined, expiresAt: 0 });
    await assert.rejects(session.getAccessToken(), (e: unknown) => e instanceof OpenEmrError && e.kind === 'token-expired');
    assert.equal(await session.renewAfterRejection(tokens.accessToken), undefined);
  });

  it('sign-out logs out on the server and forgets the tokens', async () => {
    const { session, oauth, store, client, tokens, changes } = await signedInSession();
    const result = await session.signOut();
    assert.deepEqual(result, { serverLogout: true, error: undefined });
    assert.equal(await store.get(`k/${client.clientId}`), undefined);
    assert.equal((await oauth.introspect(tokens.accessToken)).active, false);
    assert.equal(changes.at(-1)?.reason, 'signed-out');
  });

  it('createConnection wires a client_credentials session that re-acquires its token', async () => {
    const keys = await generateClientKeyPair();
    const client = await enabledClient(ctx, {
      scopes: ['system/Patient.read'],
      jwks: keys.jwks,
      tokenEndpointAuthMethod: 'private_key_jwt',
    });
    const conn = createConnection({
      server: ctx.server,
      client: { clientId: client.clientId, privateJwk: keys.privateJwk },
      secrets: new MemorySecretStore(),
      clientCredentialsScopes: ['system/Patient.read'],
    });
    const first = await conn.oauth.clientCredentials(['system/Patient.read']);
    await conn.session.signedIn({ ...first, expiresAt: 0 });
    const before = ctx.sim.counters().byGrant.client_credentials ?? 0;
    const page = await conn.api.fhirSearch('Patient', {}, { limit: 3 });
    assert.equal(page.items.length, 3);
    assert.equal((ctx.sim.counters().byGrant.client_credentials ?? 0) - before, 1);
    conn.dispose();
  });
  it('a caller that stops waiting does not cancel the refresh: the rotated token is still stored and works', async () => {
    const { session, store, tokens, client } = await signedInSession();
    store.delayMs = 50;
    const abort = new AbortController();
    const waiting = session.refresh(abort.signal);
    setTimeout(() => abort.abort(), 5);
    await assert.rejects(waiting, (e: unknown) => e instanceof OpenEmrError && e.kind === 'cancelled');
    await new Promise((r) => setTimeout(r, 400));
    const stored = parseTokenSet(await store.get(`k/${client.clientId}`));
    assert.ok(stored?.refreshToken && stored.refreshToken !== tokens.refreshToken, 'the rotated refresh token was stored');
    const again = await session.refresh();
    assert.ok(again.accessToken, 'the stored refresh token is the live one');
  });

  it('a refresh answer whose id token fails verification keeps the previous id token and the new refresh token', async () => {
    const { oauth, store, tokens } = await signedInSession();
    const forged = { ...tokens, idToken: `${tokens.idToken!.split('.').slice(0, 2).join('.')}.AAAA` };
    const kept = await oauth.withVerifiedIdToken(forged, tokens);
    assert.equal(kept.idToken, tokens.idToken);
    assert.equal(kept.refreshToken, forged.refreshToken);
    assert.ok(store.events.length > 0);
  });
});
