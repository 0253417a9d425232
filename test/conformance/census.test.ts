/**
 * Route by route and scope by scope: the core's catalog and the simulator's route table against OpenEMR's
 * route files (7.0.3: apis/routes/_rest_routes.inc.php; 8.x: apis/routes/_rest_routes_standard.inc.php,
 * _rest_routes_fhir_r4_us_core_3_1_0.inc.php and _rest_routes_portal.inc.php), as copied into the TSVs here.
 */
import assert from 'node:assert/strict';
import { parseScope, routeRequirement, ROUTES, type ResourceRoute } from '../../src/core';
import { describeRoute } from '../openemr-sim/api';
import { census, concrete, FLAVOR_NAME, shape, type CensusRoute, type CensusScope, type Flavor } from './route-table';

const FLAVORS: Flavor[] = [7, 8];

/** The catalog's routes a server line has. */
function catalogRoutes(flavor: Flavor): ResourceRoute[] {
  return ROUTES.filter((r) => flavor === 8 || !r.since);
}

/** Does a scope the catalog names (`user/facility.s`, `system/*.$export`) say what the census says? */
function catalogScopeMatches(scope: string, want: CensusScope): boolean {
  if (want.kind !== 'scope') return false;
  const p = parseScope(scope);
  if (p.resource !== want.resource) return false;
  if (want.operation) return p.kind === 'operation' && p.operation === want.operation;
  return p.kind === 'resource' && p.permissions === want.permissions;
}

function catalogSays(route: ResourceRoute, flavor: Flavor): string {
  const need = routeRequirement(route, flavor);
  return need.kind === 'scope' ? need.scope : need.kind;
}

describe('conformance: the route census', () => {
  for (const flavor of FLAVORS) {
    const name = FLAVOR_NAME[flavor];
    const rows = census(flavor);

    describe(`${name}: the catalog`, () => {
      it(`has exactly the ${rows.length} routes of ${name}`, () => {
        const want = new Set(rows.map((r) => shape(r.method, r.path)));
        const have = new Set(catalogRoutes(flavor).map((r) => shape(r.method, r.path)));
        assert.deepEqual(
          { missing: [...want].filter((id) => !have.has(id)), extra: [...have].filter((id) => !want.has(id)) },
          {
            missing: [],
            extra: [],
          },
        );
      });

      for (const row of rows) {
        it(`${row.method} ${row.path} needs ${row.raw}`, () => {
          const route = catalogRoutes(flavor).find((r) => shape(r.method, r.path) === shape(row.method, row.path));
          assert.ok(route, 'the catalog lacks this route');
          const need = routeRequirement(route, flavor);
          const ok =
            row.scope.kind === 'scope'
              ? need.kind === 'scope' && catalogScopeMatches(need.scope, row.scope)
              : need.kind === row.scope.kind;
          assert.ok(ok, `the catalog says ${catalogSays(route, flavor)}`);
        });
      }
    });

    describe(`${name}: the simulator's route table`, () => {
      for (const row of rows) {
        it(`${row.method} ${row.path} is answered and needs ${row.raw}`, () => {
          const found = describeRoute(flavor, row.method, concrete(row.path));
          assert.ok(found.found, 'the simulator does not answer this route');
          assert.deepEqual(simulatorAgrees(found.access, row), true, `the simulator needs ${JSON.stringify(found.access)}`);
        });
      }

      it(`answers no standard or portal route that ${name} lacks`, () => {
        const known = new Set(rows.map((r) => shape(r.method, r.path)));
        const probes = ROUTES.filter((r) => r.api !== 'fhir').map((r) => [r.method, r.path] as const);
        const extra = probes.filter(([m, p]) => describeRoute(flavor, m, concrete(p)).found && !known.has(shape(m, p)));
        assert.deepEqual(
          extra.map(([m, p]) => `${m} ${p}`),
          [],
        );
      });

      it(`answers no FHIR search, read or write that ${name} lacks`, () => {
        const known = new Set(rows.map((r) => shape(r.method, r.path)));
        const types = [...new Set(ROUTES.filter((r) => r.api === 'fhir').map((r) => r.resource))].filter((t) => /^[A-Z]/.test(t));
        const probes = types.flatMap((t) => [
          ['GET', `/fhir/${t}`],
          ['GET', `/fhir/${t}/:id`],
          ['POST', `/fhir/${t}`],
          ['PUT', `/fhir/${t}/:id`],
        ]);
        const extra = probes.filter(([m, p]) => describeRoute(flavor, m!, concrete(p!)).found && !known.has(shape(m!, p!)));
        assert.deepEqual(
          extra.map(([m, p]) => `${m} ${p}`),
          [],
        );
      });
    });
  }
});

type SimAccess = Extract<ReturnType<typeof describeRoute>, { found: true }>['access'];

/** The simulator checks one letter (or an operation) per request; a v1 census scope allows any of its letters. */
function simulatorAgrees(access: SimAccess, row: CensusRoute): boolean {
  const want = row.scope;
  if (want.kind !== 'scope') return access.kind === want.kind;
  if (want.operation)
    return access.kind === 'operation' && access.resource === want.resource && access.operation === want.operation;
  if (access.kind !== 'scope' || access.resource !== want.resource) return false;
  return want.v1 ? (want.permissions ?? '').includes(access.letter) : want.permissions === access.letter;
}
