import * as assert from 'node:assert/strict';
import { HttpClient, OAuthClient, OpenEmrError, registerClient } from '../../../src/core';
import { CommandError, describeError } from '../../../src/commands/errorText';
import { enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';

const REGISTRATION = {
  clientName: 'messages',
  applicationType: 'private' as const,
  redirectUris: ['http://127.0.0.1:8765/callback'],
  scopes: ['openid'],
};

/** The error a failing call throws (the test fails when it does not throw one). */
async function failure(call: () => Promise<unknown>): Promise<OpenEmrError> {
  try {
    await call();
  } catch (err) {
    assert.ok(err instanceof OpenEmrError, String(err));
    return err;
  }
  assert.fail('the call did not fail');
}

describe('sign-in failure messages keep what to do', () => {
  let ctx: SimContext;
  before(async () => {
    ctx = await startSim();
  });
  after(async () => {
    await ctx.close();
  });

  /** Every failure of the facts file met while signing in, as the core reports it. */
  async function signInFailures(): Promise<Record<string, OpenEmrError>> {
    const client = await enabledClient(ctx);
    const oauth = oauthFor(ctx, client);
    const password = (over: Partial<Parameters<OAuthClient['passwordGrant']>[0]> = {}) =>
      oauth.passwordGrant({ role: 'users', username: 'admin', password: 'pass', scopes: ['openid'], ...over });
    const out: Record<string, OpenEmrError> = {
      'bad credentials': await failure(() => password({ password: 'wrong' })),
      mfa: await failure(() => password({ username: 'mfa' })),
      'invalid scope': await failure(() => password({ scopes: ['openid', 'launch/encounter'] })),
    };
    ctx.sim.setGlobals({ oauth_password_grant: 0 });
    out['password grant off'] = await failure(() => password());
    ctx.sim.setGlobals({ oauth_password_grant: 3, rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
    out['API off'] = await failure(() => password());
    ctx.sim.setGlobals({ rest_api: 1, rest_fhir_api: 1, rest_portal_api: 1 });
    ctx.sim.disableClient(client.clientId);
    out['client disabled'] = await failure(() => password());
    const noSite = new HttpClient({ ...ctx.server, site: 'nosuchsite' });
    const plainHttp = new HttpClient({ baseUrl: 'http://emr.invalid', timeoutMs: 5_000 });
    try {
      out['unknown site'] = await failure(() => registerClient(noSite, REGISTRATION));
      out['HTTPS missing'] = await failure(() => registerClient(plainHttp, REGISTRATION));
    } finally {
      noSite.dispose();
      plainHttp.dispose();
    }
    return out;
  }

  it('ends every failure, in notifications and in the errors callers get, with its fix', async () => {
    const failures = await signInFailures();
    assert.deepEqual(
      Object.values(failures).map((e) => e.kind),
      [
        'bad-credentials',
        'mfa-failed',
        'invalid-scope',
        'password-grant-off',
        'api-disabled',
        'client-disabled',
        'unknown-site',
        'insecure-transport',
      ],
    );
    for (const [name, err] of Object.entries(failures)) {
      const line = describeError(err);
      assert.ok(line.startsWith(`${err.message}. ${err.explanation}`) && line.endsWith(`Fix: ${err.fix}`), name);
      // What a non-interactive caller gets: the same line (not cut at OpenEmrError's 300 characters), and the fields.
      const thrown = new CommandError(err);
      assert.equal(thrown.message, line, name);
      assert.deepEqual(
        [thrown.kind, thrown.fix, thrown.explanation, thrown instanceof OpenEmrError],
        [err.kind, err.fix, err.explanation, true],
      );
    }
    assert.ok(describeError(failures['bad credentials']!).length > 300, 'a long answer, which OpenEmrError alone would cut');
  });
});
