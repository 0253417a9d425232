import assert from 'node:assert/strict';
import { UnsecuredJWT } from 'jose';
import {
  clientSecretsKey,
  decodeHeader,
  deleteClientSecrets,
  Emitter,
  generateClientKeyPair,
  listenForRedirect,
  loadClientSecrets,
  MemorySecretStore,
  OpenEmrError,
  sessionKey,
  storeClientSecrets,
  tokensKey,
} from '../../../src/core';

describe('core secrets, events, loopback listener', () => {
  it('stores, loads and deletes client secrets next to the tokens', async () => {
    const store = new MemorySecretStore();
    const base = sessionKey({ baseUrl: 'https://emr.example.org/' }, 'client-1');
    assert.equal(base, 'openemr:https://emr.example.org|default|client-1');
    const keys = await generateClientKeyPair();
    await storeClientSecrets(store, base, { clientSecret: 's', registrationAccessToken: 'r', privateJwk: keys.privateJwk });
    await store.store(tokensKey(base), '{}');
    const back = await loadClientSecrets(store, base);
    assert.equal(back?.clientSecret, 's');
    assert.equal(back?.privateJwk?.d, keys.privateJwk.d);
    await store.store(clientSecretsKey('broken'), 'not json');
    assert.equal(await loadClientSecrets(store, 'broken'), undefined);
    await deleteClientSecrets(store, base);
    assert.equal(await loadClientSecrets(store, base), undefined);
    assert.deepEqual(store.keys(), [clientSecretsKey('broken')]);
  });

  it('decodes JWT headers defensively', () => {
    assert.equal(decodeHeader(new UnsecuredJWT({}).encode())?.alg, 'none');
    assert.equal(decodeHeader('garbage'), undefined);
    assert.equal(decodeHeader(undefined), undefined);
  });

  it('the emitter survives a faulty listener and stops after dispose', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    e.event(() => {
      throw new Error('bad listener');
    });
    const sub = e.event((n) => got.push(n));
    e.fire(1);
    sub.dispose();
    e.fire(2);
    assert.deepEqual(got, [1]);
    e.dispose();
  });

  it('the loopback listener answers only its path, once, on 127.0.0.1', async () => {
    const listener = await listenForRedirect({ port: 0 });
    assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const other = await fetch(listener.redirectUri.replace('/callback', '/other'));
    assert.equal(other.status, 404);
    const ok = fetch(`${listener.redirectUri}?code=c&state=s`);
    assert.equal((await listener.result).get('code'), 'c');
    listener.finish({ ok: true });
    assert.equal((await ok).status, 200);
    listener.close();
    await assert.rejects(fetch(listener.redirectUri), 'closed after the first redirect');
  });

  it('the loopback listener reports a busy port and an already-aborted signal', async () => {
    const first = await listenForRedirect({ port: 0 });
    await assert.rejects(
      listenForRedirect({ port: first.port }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'authorization-failed' && /in use/.test(e.message),
    );
    first.close();
    await assert.rejects(
      listenForRedirect({ port: 0, signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof OpenEmrError && e.kind === 'cancelled',
    );
  });
});
