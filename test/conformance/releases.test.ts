/**
 * Which OpenEMR each flavor is: 7 = 7.0.3, 8 = 8.0.0, 8.1 = 8.1.0. 8.1 registers `user/prescription.write`
 * (ServerScopeListEntity), which an 8.0 server refuses as an unknown scope.
 */
import assert from 'node:assert/strict';
import { parseFlags } from '../openemr-sim/options.js';
import { apis, body, call, oauth, postJson, REDIRECT, start } from '../openemr-sim/test-helpers.js';

describe('conformance: releases', () => {
  for (const [flavor, version, prescriptionWrite] of [
    [7, '7.0.3', false],
    [8, '8.0.0', false],
    [8.1, '8.1.0', true],
  ] as const) {
    it(`--flavor ${flavor} answers as OpenEMR ${version}`, async () => {
      assert.equal(parseFlags(['--flavor', String(flavor)]).flavor, flavor);
      const sim = await start(flavor as 7 | 8, { flavor });
      try {
        assert.equal(sim.options.release, version);
        const v = await call(apis(sim, '/api/version'));
        if (flavor !== 7) {
          const d = body(v).data;
          assert.equal(`${String(d.v_major)}.${String(d.v_minor)}.${String(d.v_patch)}`, version);
        } else assert.equal(v.status, 401, '7.0.3 wants a token on /api/version');
        const meta = body(await call(apis(sim, '/fhir/metadata')));
        assert.equal(meta.software.version, version);
        const reg = await postJson(oauth(sim, '/registration'), {
          application_type: 'private',
          redirect_uris: [REDIRECT],
          scope: 'openid api:oemr user/prescription.write',
        });
        assert.equal(reg.status === 200, prescriptionWrite, reg.text);
        if (!prescriptionWrite) assert.equal(body(reg).error, 'invalid_scope');
      } finally {
        await sim.close();
      }
    });
  }

  it('refuses other flavors', async () => {
    await assert.rejects(start(8, { flavor: 9 as 8 }), /flavor must be 7, 8 or 8.1/);
  });
});
