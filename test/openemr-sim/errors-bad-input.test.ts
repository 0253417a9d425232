/** Facts §6 per flavor, and bad input: malformed JSON, wrong content types, huge bodies, unknown routes. */
import assert from 'node:assert/strict';
import type { RunningSimulator } from './index.js';
import { adminToken, apis, body, call, FLAVORS, form, oauth, postJson, start } from './test-helpers.js';

const KERNEL = (message: string) => ({ error: 'An error occurred', message, code: 0 });

for (const flavor of FLAVORS) {
  describe(`errors and bad input (flavor ${flavor})`, () => {
    let sim: RunningSimulator;
    let token: string;
    before(async () => {
      sim = await start(flavor);
    });
    beforeEach(async () => {
      sim.reset();
      token = await adminToken(sim);
    });
    after(() => sim.close());

    const expectFlavor = async (
      p: Promise<{ status: number; text: string; json: unknown }>,
      v7: number,
      v8: number,
      v8Body?: unknown,
    ) => {
      const r = await p;
      assert.equal(r.status, flavor === 7 ? v7 : v8, r.text);
      if (flavor === 7) assert.equal(r.text, '');
      else if (v8Body !== undefined) assert.deepEqual(r.json, v8Body);
    };

    it('unknown or malformed site', async () => {
      const msg = KERNEL(
        'OpenEMR Error: api site error, so forced exit.  Please ensure that the site is set up correctly in the OpenEMR configuration.',
      );
      await expectFlavor(call(`${sim.url}/apis/other/api/patient`, { token }), 400, 400, msg);
      await expectFlavor(call(`${sim.url}/oauth2/bad.site/.well-known/openid-configuration`), 400, 400, msg);
    });

    it('all three APIs off: the oauth2 endpoints answer 404', async () => {
      sim.setGlobals({ rest_api: 0, rest_fhir_api: 0, rest_portal_api: 0 });
      await expectFlavor(
        call(oauth(sim, '/.well-known/openid-configuration')),
        404,
        404,
        KERNEL('OpenEMR Error: API is disabled'),
      );
    });

    it(`one API off: ${flavor === 7 ? '7.0.3 answers 501 empty' : '8.x has no per-API check under /apis'}`, async () => {
      sim.setGlobals({ rest_fhir_api: 0 });
      const r = await call(apis(sim, '/fhir/Patient?_count=1'), { token });
      assert.equal(r.status, flavor === 7 ? 501 : 200);
      assert.equal((await call(apis(sim, '/api/patient?_limit=1'), { token })).status, 200);
    });

    it('missing, garbage, expired and revoked bearer tokens', async () => {
      const denied = KERNEL('The resource owner or authorization server denied the request.');
      const check = async (t: string | undefined, hint: string) => {
        const r = await call(apis(sim, '/api/patient'), { token: t });
        assert.equal(r.status, 401);
        if (flavor === 8) {
          assert.deepEqual(r.json, denied);
          assert.equal(r.headers.get('www-authenticate'), null);
        } else {
          assert.equal(body(r).error, 'access_denied');
          assert.equal(body(r).hint, hint);
        }
      };
      await check(undefined, 'Missing "Authorization" header');
      await check('not.a.jwt', 'Access token could not be verified');
      const ok = await call(apis(sim, '/api/patient?_limit=1'), { token });
      assert.equal(ok.status, 200);
      const expire = await call(`${sim.url}/__sim/tokens/expire`, { method: 'POST' });
      assert.equal(expire.status, 200);
      await check(token, 'Access token could not be verified');
      token = await adminToken(sim);
      assert.equal((await call(`${sim.url}/__sim/tokens/revoke`, { method: 'POST' })).status, 200);
      await check(token, 'Access token has been revoked');
    });

    it('unknown routes and methods', async () => {
      await expectFlavor(call(apis(sim, '/api/nothing-here'), { token }), 404, 404, KERNEL('Route not found'));
      await expectFlavor(call(apis(sim, '/api/facility'), { method: 'DELETE', token }), 404, 501, KERNEL('Not implemented'));
      const oauthUnknown = await call(oauth(sim, '/nothing'));
      assert.equal(oauthUnknown.status, 404);
      assert.equal(oauthUnknown.text, '');
      assert.equal((await call(`${sim.url}/no/such/page`)).status, 404);
    });

    it('malformed JSON and wrong content types get the validation envelope, not a crash', async () => {
      for (const payload of ['{"fname":', '[1,2]', '', 'null', '"text"']) {
        const r = await call(apis(sim, '/api/patient'), {
          method: 'POST',
          token,
          headers: { 'Content-Type': 'application/json' },
          body: payload,
        });
        assert.equal(r.status, 400, payload);
        assert.ok(body(r).validationErrors, payload);
      }
      const xml = await call(apis(sim, '/api/patient'), {
        method: 'POST',
        token,
        headers: { 'Content-Type': 'application/xml' },
        body: '<patient/>',
      });
      assert.equal(xml.status, 400);
      const jsonToToken = await postJson(oauth(sim, '/token'), { grant_type: 'password' });
      assert.equal(body(jsonToToken).error, 'unsupported_grant_type');
      const garbageForm = await call(oauth(sim, '/token'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: '%%%&&&==grant_type',
      });
      assert.equal(garbageForm.status, 400);
      const fhirGarbage = await call(apis(sim, '/fhir/Patient'), {
        method: 'POST',
        token,
        headers: { 'Content-Type': 'application/fhir+json' },
        body: '{oops',
      });
      assert.equal(fhirGarbage.status, 400);
    });

    it('huge bodies are refused with 413 and the server keeps answering', async () => {
      const huge = 'x'.repeat(3 * 1024 * 1024);
      const r = await call(apis(sim, '/api/patient'), {
        method: 'POST',
        token,
        headers: { 'Content-Type': 'application/json' },
        body: huge,
      }).catch(() => ({ status: 413, text: '', json: undefined }));
      assert.equal(r.status, 413);
      const reg = await call(oauth(sim, '/registration'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: huge,
      }).catch(() => ({ status: 413 }));
      assert.equal(reg.status, 413);
      assert.equal((await call(apis(sim, '/api/patient?_limit=1'), { token })).status, 200);
    });

    it('odd paths and encodings do not crash', async () => {
      for (const path of [
        '/apis/default/api/patient/%E0%A4%A',
        '/apis/default/fhir/Patient/..%2F..%2Fetc',
        '/oauth2/default/token/../../x',
        '/apis//api',
        '/apis/default',
        '/oauth2',
      ]) {
        const r = await call(`${sim.url}${path}`, { token });
        assert.ok(r.status >= 400 && r.status < 600, `${path}: ${r.status}`);
      }
      const bad = await form(oauth(sim, '/introspect'), { client_id: '' });
      // 7.0.3: 401 "Not a registered client"; 8.x catches every introspection error: 200 {"active":false}
      assert.equal(bad.status, flavor === 7 ? 401 : 200);
    });
  });
}

describe('sites and CORS', () => {
  it('each site has its own issuer: a token of one site is refused on another', async () => {
    const sim = await start(8, { sites: ['default', 'clinic2'] });
    try {
      const d = body(await call(`${sim.url}/oauth2/clinic2/.well-known/openid-configuration`));
      assert.equal(d.issuer, `${sim.url}/oauth2/clinic2`);
      const token = await adminToken(sim);
      assert.equal((await call(`${sim.url}/apis/default/api/patient?_limit=1`, { token })).status, 200);
      assert.equal((await call(`${sim.url}/apis/clinic2/api/patient?_limit=1`, { token })).status, 401);
    } finally {
      await sim.close();
    }
  });

  it('answers CORS preflights and echoes the Origin, as OpenEMR does for browser apps', async () => {
    const sim = await start(8);
    try {
      const pre = await call(`${sim.url}/apis/default/fhir/Patient`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:3000',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.match(pre.headers.get('access-control-allow-methods') ?? '', /GET/);
      const meta = await call(`${sim.url}/apis/default/fhir/metadata`, { headers: { Origin: 'http://localhost:3000' } });
      assert.equal(meta.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.equal((await call(`${sim.url}/apis/default/fhir/metadata`)).headers.get('access-control-allow-origin'), null);
    } finally {
      await sim.close();
    }
  });
});

describe('failure injection, token lifetime, latency', () => {
  it('--fail-rate answers 500 with the flavor body, and the same seed fails the same requests', async () => {
    const statuses = async (seed: number) => {
      const sim = await start(8, { failRate: 0.5, seed });
      try {
        const out: number[] = [];
        for (let i = 0; i < 20; i++) out.push((await call(`${sim.url}/oauth2/default/jwk`)).status);
        return out;
      } finally {
        await sim.close();
      }
    };
    const a = await statuses(7);
    assert.deepEqual(await statuses(7), a);
    assert.ok(a.includes(500) && a.includes(200));
    for (const flavor of FLAVORS) {
      const sim = await start(flavor, { failRate: 1 });
      const r = await call(`${sim.url}/apis/default/fhir/metadata`);
      const control = await call(`${sim.url}/__sim/globals`);
      await sim.close();
      assert.equal(r.status, 500);
      if (flavor === 8) assert.deepEqual(r.json, KERNEL('System error occurred'));
      else assert.equal(r.text, '', '7.0.3 answers 500 with an empty body');
      assert.equal(control.status, 200, 'the /__sim controls never fail');
    }
  });

  it('--latency holds every OpenEMR answer back at least that long', async () => {
    const sim = await start(8, { latency: 150 });
    try {
      const timed = async (url: string) => {
        const t0 = performance.now();
        assert.equal((await call(url)).status, 200);
        return performance.now() - t0;
      };
      assert.ok((await timed(`${sim.url}/apis/default/fhir/metadata`)) >= 145);
      // a lower bound only: the delay is the behaviour under test, not the speed of the machine
      assert.ok((await timed(`${sim.url}/oauth2/default/jwk`)) >= 145);
    } finally {
      await sim.close();
    }
  });

  it('--token-ttl sets expires_in; --latency still answers', async () => {
    const sim = await start(8, { tokenTtl: 42, latency: 5 });
    try {
      const t = await adminToken(sim, 'openid api:oemr');
      const intro = await call(`${sim.url}/apis/default/api/version`, { token: t });
      assert.equal(intro.status, 200);
      const c = sim.clients()[0];
      assert.ok(c);
      const tok = await form(`${sim.url}/oauth2/default/token`, {
        grant_type: 'password',
        client_id: c.client_id,
        user_role: 'users',
        username: 'admin',
        password: 'pass',
        scope: 'openid',
      });
      assert.equal(body(tok).expires_in, 42);
    } finally {
      await sim.close();
    }
  });
});
