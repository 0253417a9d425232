// A patient's FHIR Provenance, against the simulator. OpenEMR searches Provenance by _id only, so the explorer
// reads it per target type through `_revinclude=Provenance:target` and never sends `Provenance?patient=`.
import assert from 'node:assert/strict';
import type { Provenance } from 'fhir/r4';
import { fhirGroupQuery, fetchGroupPage, fetchPatientsPage, trimPatient } from '../../../src/explorer/fetch';
import {
  itemPath,
  PATIENT_FHIR_GROUPS,
  PATIENT_PROVENANCE_GROUP,
  recordId,
  type GroupSpec,
  type PathContext,
  type Row,
} from '../../../src/explorer/catalog';
import { rowLabel } from '../../../src/explorer/labels';
import { PagedList } from '../../../src/explorer/pager';
import { gateGroup } from '../../../src/explorer/scopeGate';
import { adminSim, EXPLORER_USER_SCOPES, type ExplorerSim } from './explorer-sim';

const SCOPES = [...EXPLORER_USER_SCOPES, 'user/Patient.read', 'user/Provenance.read'];

const subgroup = (resource: string): GroupSpec => PATIENT_PROVENANCE_GROUP.subgroups!.find((g) => g.resource === resource)!;

describe("explorer: a patient's Provenance against the simulator", function () {
  let sim: ExplorerSim;
  let ctx: PathContext;

  before(async () => {
    sim = await adminSim({ patients: 12 }, SCOPES);
    const patient = trimPatient((await fetchPatientsPage(sim.client, {}, { limit: 1, offset: 4 })).items[0]!);
    ctx = { puuid: patient.uuid, pid: patient.pid };
  });
  after(() => sim.close());

  /** Every id of the patient's records of one FHIR type (no Provenance asked for). */
  async function targetIds(resource: string): Promise<string[]> {
    const plain = PATIENT_FHIR_GROUPS.find((g) => g.resource === resource) ?? {
      ...subgroup(resource),
      provenanceOfMatches: false,
    };
    return (await fetchGroupPage(sim.client, plain, ctx, {})).items.map((r) => String(r.id));
  }

  it('is a group of sub-groups, one per target type, none of which searches Provenance itself', () => {
    assert.ok(PATIENT_FHIR_GROUPS.includes(PATIENT_PROVENANCE_GROUP));
    const subgroups = PATIENT_PROVENANCE_GROUP.subgroups!;
    assert.equal(subgroups[0]!.resource, 'Patient');
    assert.ok(subgroups.length >= 10);
    for (const spec of subgroups) {
      assert.notEqual(spec.resource, 'Provenance');
      assert.deepEqual(fhirGroupQuery(spec, ctx), {
        [spec.resource === 'Patient' ? '_id' : 'patient']: ctx.puuid,
        _revinclude: 'Provenance:target',
      });
    }
    assert.match(PATIENT_PROVENANCE_GROUP.about!, /_id only/);
  });

  it("lists the Provenance of exactly the patient's records of each readable type, each opening through its own id", async () => {
    const readable = PATIENT_PROVENANCE_GROUP.subgroups!.filter((g) => gateGroup(g, 'user', sim.tokens.grantedScopes).readable);
    assert.deepEqual(
      readable.map((g) => g.resource),
      ['Patient', 'Condition', 'Encounter', 'Observation'],
    );
    for (const spec of readable) {
      const rows = (await fetchGroupPage(sim.client, spec, ctx, {})).items as unknown as Provenance[];
      const targets = await targetIds(spec.resource);
      assert.ok(targets.length >= 1, `${spec.resource}: the patient has records`);
      assert.deepEqual(
        rows.map((p) => p.resourceType),
        targets.map(() => 'Provenance'),
        `${spec.resource}: only Provenance rows`,
      );
      assert.deepEqual(rows.map((p) => p.target[0]!.reference).sort(), targets.map((id) => `${spec.resource}/${id}`).sort());
      assert.deepEqual(
        rows.map((p) => p.id).sort(),
        targets.map((id) => `${spec.resource}:${id}`).sort(),
        'ids are <Resource>:<uuid>',
      );
      const first = rows[0] as unknown as Row;
      assert.equal(
        rowLabel('fhir', first).label,
        `${spec.resource}/${targets.find((id) => first.id === `${spec.resource}:${id}`)}`,
      );
      const path = itemPath(spec, first, ctx)!;
      assert.equal(path, `/fhir/Provenance/${String(first.id)}`, 'the colon stays readable in the path');
      const read = sim.client.unwrap(await sim.client.request<Provenance>('GET', path));
      assert.equal(read.id, recordId(first));
      assert.deepEqual(read.target, (first as unknown as Provenance).target);
    }
  });

  it('pages by the matches, so Load more reaches every Provenance once', async () => {
    const spec = subgroup('Observation');
    const all = await targetIds('Observation');
    assert.ok(all.length > 2, `the patient has ${all.length} observations`);
    const list = new PagedList<Row>((page) => fetchGroupPage(sim.client, spec, ctx, page), 2);
    await list.ensureLoaded();
    assert.equal(list.rows.length, 2);
    assert.equal(list.countText, '2+');
    let pages = 1;
    while (list.hasMore) {
      await list.loadMore();
      assert.ok(++pages <= all.length + 1, 'paging ends');
    }
    const ids = list.rows.map((r) => String(r.id));
    assert.equal(new Set(ids).size, ids.length, 'no Provenance twice');
    assert.deepEqual(ids.sort(), all.map((id) => `Observation:${id}`).sort());
  });
});
