/** The catalogs of src/core and the simulator follow the same facts (§4, §5): they must agree. */
import assert from 'node:assert/strict';
import { ROUTES, scopeCatalog } from '../../../src/core';
import { PORTAL_ROUTES } from '../../openemr-sim/api/portal';
import { routesFor } from '../../openemr-sim/api/standard';
import { isServerScope } from '../../openemr-sim/scopes';

/** `GET /api/patient/:puuid/encounter` -> `GET /api/patient/:/encounter`: parameter names differ, shapes may not. */
const shape = (method: string, path: string) => `${method} ${path.replace(/:[A-Za-z_]+/g, ':')}`;

describe('core catalogs agree with the simulator', () => {
  for (const flavor of [7, 8] as const) {
    it(`every standard and portal route of the catalog is served by the ${flavor === 7 ? '7.0.3' : '8.x'} simulator, and the reverse`, () => {
      const served = new Set([...routesFor(flavor), ...PORTAL_ROUTES].map((r) => shape(r.method, `/${r.segments.join('/')}`)));
      const catalog = ROUTES.filter((r) => r.api !== 'fhir' && (flavor === 8 || !r.since)).map((r) => shape(r.method, r.path));
      assert.deepEqual(
        catalog.filter((id) => !served.has(id)),
        [],
      );
      if (flavor === 8)
        assert.deepEqual(
          [...served].filter((id) => !catalog.includes(id)),
          [],
        );
    });

    for (const systemScopes of [false, true]) {
      it(`every scope the catalog offers is one the ${flavor === 7 ? '7.0.3' : '8.x'} server accepts (system scopes ${systemScopes ? 'on' : 'off'})`, () => {
        const offered = scopeCatalog({ flavor, systemScopes }).map((e) => e.scope);
        assert.ok(offered.length > 100);
        assert.deepEqual(
          offered.filter((s) => !isServerScope(s, { flavor, systemScopes })),
          [],
        );
      });
    }
  }
});
