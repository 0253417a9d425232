import * as assert from 'node:assert/strict';
import { listenForRedirect } from '../../../src/core';

describe('the sign-in listener', () => {
  it('its start page sends the browser on to the authorize URL, also behind a proxy prefix', async () => {
    const listener = await listenForRedirect({ port: 0 });
    try {
      assert.match(listener.startUri, /^http:\/\/127\.0\.0\.1:\d+\/start$/);
      assert.equal((await fetch(listener.startUri, { redirect: 'manual' })).status, 404, 'nothing to start yet');
      const authorize = 'http://127.0.0.1:8300/oauth2/default/authorize?client_id=c&aud=http%3A%2F%2F127.0.0.1%3A8300%2Fapis';
      listener.startAt(authorize);
      const direct = await fetch(listener.startUri, { redirect: 'manual' });
      assert.equal(direct.status, 302);
      assert.equal(direct.headers.get('location'), authorize);
      // code-server's /absproxy/ keeps its prefix in the path.
      const prefixed = await fetch(listener.startUri.replace('/start', '/absproxy/8765/start'), { redirect: 'manual' });
      assert.equal(prefixed.headers.get('location'), authorize);
    } finally {
      listener.close();
    }
  });

  it("the browser tab says what really happened: the failure with the server's hint, never a false success", async () => {
    const listener = await listenForRedirect({ port: 0 });
    const page = fetch(`${listener.redirectUri}?error=invalid_request&state=s`);
    await listener.result;
    listener.finish({ ok: false, message: 'Authorization failed: invalid_request: hint: Check the `aud` parameter' });
    const html = await (await page).text();
    assert.match(html, /Sign-in failed/);
    assert.match(html, /Check the `aud` parameter/);
    assert.doesNotMatch(html, /Signed in|You can close this/);
    listener.close();
  });

  it('a tab still waiting when the sign-in is abandoned is told to look in VS Code', async () => {
    const listener = await listenForRedirect({ port: 0 });
    const page = fetch(`${listener.redirectUri}?code=c&state=s`);
    await listener.result;
    listener.close();
    assert.match(await (await page).text(), /Return to VS Code for the result/);
  });
});
