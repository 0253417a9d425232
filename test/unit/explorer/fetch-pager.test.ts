import assert from 'node:assert/strict';
import { isOpenEmrError, type Page } from '../../../src/core';
import {
  ENCOUNTER_GROUPS,
  encounterNumber,
  itemPath,
  PATIENT_FHIR_GROUPS,
  PATIENT_PORTAL_GROUPS,
  PATIENT_STANDARD_GROUPS,
  SERVER_COLLECTIONS,
  type PathContext,
  type Row,
} from '../../../src/explorer/catalog';
import { fetchGroupPage, fetchOwnRecord, fetchPatientsPage, trimPatient, type PatientRow } from '../../../src/explorer/fetch';
import { rowLabel } from '../../../src/explorer/labels';
import { PagedList } from '../../../src/explorer/pager';
import { gateGroup } from '../../../src/explorer/scopeGate';
import { adminSim, EXPLORER_USER_SCOPES, patientSim, type ExplorerSim } from './explorer-sim';

describe('explorer reads against the simulator', function () {
  let sim: ExplorerSim;
  before(async () => {
    sim = await adminSim({ patients: 120 });
  });
  after(() => sim.close());

  const patientsList = (search = {}) =>
    new PagedList<Row, PatientRow>((page) => fetchPatientsPage(sim.client, search, page), 50, trimPatient);

  it('pages through every patient with Load more, sorted by last name, and counts them at the end', async () => {
    const list = patientsList();
    await list.ensureLoaded();
    assert.equal(list.rows.length, 50);
    assert.equal(list.countText, '50+');
    while (list.hasMore) await list.loadMore();
    assert.equal(list.rows.length, 120);
    assert.equal(list.countText, '120');
    assert.equal(new Set(list.rows.map((r) => r.uuid)).size, 120, 'no patient twice');
    const names = list.rows.map((r) => `${r.lname}\u0000${r.fname}`);
    assert.deepEqual(names, [...names].sort(), 'sorted by last then first name');
    assert.deepEqual(
      Object.keys(list.rows[0]!).sort(),
      ['DOB', 'fname', 'lname', 'pid', 'sex', 'uuid'],
      'rows keep only what the tree shows',
    );
  });

  it('a list of exactly one page shows its count, with no Load more that would load nothing', async () => {
    const exactly = new PagedList<Row, PatientRow>((page) => fetchPatientsPage(sim.client, {}, page), 60, trimPatient);
    await exactly.ensureLoaded();
    assert.equal(exactly.rows.length, 60);
    assert.equal(exactly.countText, '60+', 'more than one page of 60');
    const all = new PagedList<Row, PatientRow>((page) => fetchPatientsPage(sim.client, {}, page), 120, trimPatient);
    await all.ensureLoaded();
    assert.equal(all.rows.length, 120);
    assert.equal(all.countText, '120', 'exactly one page: the count, not "120+"');
    assert.equal(all.hasMore, false, 'no Load more');
  });

  it('filters patients by last name and by DOB', async () => {
    const all = patientsList();
    await all.ensureLoaded();
    const someone = all.rows[3]!;
    const byName = patientsList({ lname: someone.lname });
    await byName.ensureLoaded();
    assert.ok(byName.rows.length >= 1 && byName.rows.every((r) => r.lname === someone.lname));
    const byDob = patientsList({ DOB: someone.DOB });
    await byDob.ensureLoaded();
    assert.ok(byDob.rows.some((r) => r.uuid === someone.uuid) && byDob.rows.every((r) => r.DOB === someone.DOB));
  });

  it('lists every readable group of a patient, and each row opens through its instance path', async () => {
    const page = await fetchPatientsPage(sim.client, {}, { limit: 1 });
    const patient = trimPatient(page.items[0]!);
    const ctx: PathContext = { puuid: patient.uuid, pid: patient.pid };
    const readable = [...PATIENT_STANDARD_GROUPS, ...PATIENT_FHIR_GROUPS].filter(
      (g) => !g.categories && !g.subgroups && gateGroup(g, 'user', sim.tokens.grantedScopes).readable,
    );
    assert.ok(readable.length >= 12, `readable groups: ${readable.map((g) => g.id).join(', ')}`);
    let opened = 0;
    for (const group of readable) {
      const rows = await fetchGroupPage(sim.client, group, ctx, { limit: 50 });
      for (const row of rows.items) assert.ok(rowLabel(group.kind, row).label.length > 0);
      const path = rows.items[0] && itemPath(group, rows.items[0], ctx);
      if (!path) continue;
      const res = await sim.client.request('GET', path);
      assert.equal(res.status, 200, `${group.id}: GET ${path}`);
      opened++;
    }
    assert.ok(opened >= 8, `opened ${opened} instance paths`);
  });

  it('lists vitals and SOAP notes under an encounter, and documents by category', async () => {
    const patient = trimPatient((await fetchPatientsPage(sim.client, {}, { limit: 1 })).items[0]!);
    const ctx: PathContext = { puuid: patient.uuid, pid: patient.pid };
    const encounters = await fetchGroupPage(sim.client, PATIENT_STANDARD_GROUPS[0]!, ctx, {});
    const eid = encounterNumber(encounters.items[0]!);
    const vitals = await fetchGroupPage(sim.client, ENCOUNTER_GROUPS[0]!, { ...ctx, eid }, {});
    assert.ok(vitals.items.length >= 1);
    assert.match(rowLabel('vital', vitals.items[0]!).label, /BP \d+\/\d+/);
    const documents = PATIENT_STANDARD_GROUPS.find((g) => g.categories)!;
    const perCategory = await Promise.all(
      ['Lab Report', 'Medical Record', 'Patient Information'].map((path) =>
        fetchGroupPage(sim.client, documents, ctx, {}, { path }),
      ),
    );
    assert.equal(
      perCategory.reduce((n, p) => n + p.items.length, 0),
      1,
      'the simulator gives each patient one document',
    );
  });

  it('turns a group the token cannot read into a missing-scope error that names the scope', async () => {
    const drugs = SERVER_COLLECTIONS.find((c) => c.id === 'api:drug')!;
    assert.ok(!EXPLORER_USER_SCOPES.includes('user/drug.read'));
    await assert.rejects(fetchGroupPage(sim.client, drugs, {}, { limit: 5 }), (e: unknown) => isOpenEmrError(e, 'missing-scope'));
  });
});

describe('explorer reads for a patient token', () => {
  it("sees only the patient's own record, and its portal groups", async () => {
    const sim = await patientSim();
    try {
      const own = await fetchOwnRecord(sim.client);
      assert.equal(own.items.length, 1);
      assert.equal(trimPatient(own.items[0]!).uuid, sim.uuid);
      const encounters = await fetchGroupPage(sim.client, PATIENT_PORTAL_GROUPS[0]!, {}, {});
      assert.ok(encounters.items.length >= 1);
      const path = itemPath(PATIENT_PORTAL_GROUPS[0]!, encounters.items[0]!, {})!;
      assert.equal((await sim.client.request('GET', path)).status, 200);
      const conditions = await fetchGroupPage(
        sim.client,
        PATIENT_FHIR_GROUPS.find((g) => g.resource === 'Condition')!,
        { puuid: sim.uuid },
        {},
      );
      assert.ok(conditions.items.every((c) => JSON.stringify(c).includes(sim.uuid)));
    } finally {
      await sim.close();
    }
  });
});

describe('PagedList', () => {
  const pages =
    (total: number, size: number, calls: number[] = []) =>
    async ({ offset = 0, limit = size }): Promise<Page<number>> => {
      calls.push(offset);
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i);
      return { items, offset, next: offset + size < total ? { offset: offset + size, limit: size } : undefined };
    };

  it('loads a page once even when asked twice at the same time', async () => {
    const calls: number[] = [];
    const list = new PagedList(pages(25, 10, calls), 10);
    await Promise.all([list.ensureLoaded(), list.ensureLoaded(), list.loadMore()]);
    assert.deepEqual(calls, [0]);
    await Promise.all([list.loadMore(), list.loadMore()]);
    assert.deepEqual(calls, [0, 10]);
    await list.loadMore();
    await list.loadMore();
    assert.deepEqual(calls, [0, 10, 20], 'no request past the end');
    assert.equal(list.countText, '25');
  });

  it('drops a page that arrives after a reset, and keeps rows when a page fails', async () => {
    let fail = false;
    const base = pages(30, 10);
    const list = new PagedList<number>(async (p) => {
      if (fail) throw new Error('network down');
      return base(p);
    }, 10);
    const first = list.ensureLoaded();
    list.reset();
    await first;
    assert.equal(list.isLoaded, false);
    await list.ensureLoaded();
    fail = true;
    await assert.rejects(list.loadMore(), /network down/);
    assert.equal(list.rows.length, 10);
    fail = false;
    await list.loadMore();
    assert.equal(list.rows.length, 20);
  });
});
