/** The data set generates patients on use: the same (seed, index) gives the same record however it is reached. */
import assert from 'node:assert/strict';
import { DataStore } from './data/store.js';

describe('data store (patients generated on use)', () => {
  it('a patient read alone equals the same patient of a fully generated store', () => {
    const lazy = new DataStore(7, 500);
    const full = new DataStore(7, 500).allPatients();
    assert.equal(full.length, 500);
    assert.deepEqual(lazy.patientByPid(321), full[320]);
    assert.deepEqual(lazy.patientByUuid(full[99].uuid), full[99]);
    assert.notDeepEqual(new DataStore(8, 500).patientByPid(321), full[320], 'another seed, other data');
  });

  it('looks patients up by the pid in their uuid, and refuses anything else', () => {
    const data = new DataStore(1, 50);
    const p = data.patientByPid(42);
    assert.ok(p && p.uuid.endsWith('0000002a'));
    assert.equal(data.patientByUuid(p.uuid.toUpperCase()), undefined);
    assert.equal(data.patientByUuid(`${p.uuid.slice(0, 28)}00000033`), undefined, 'pid 51 does not exist');
    assert.equal(
      data.patientByUuid(`${p.uuid.startsWith('f') ? 'e' : 'f'}${p.uuid.slice(1)}`),
      undefined,
      'right pid, wrong uuid',
    );
    for (const pid of [0, 51, 1.5, Number.NaN]) assert.equal(data.patientByPid(pid), undefined);
  });

  it('lists patients in pid order lazily, and new patients follow the generated ones', () => {
    const data = new DataStore(1, 30);
    const list = data.patientsByPid();
    assert.equal(list.length, 30);
    assert.deepEqual(
      list.slice(10, 13).map((p) => p.pid),
      [11, 12, 13],
    );
    assert.deepEqual(
      list.slice(28).map((p) => p.pid),
      [29, 30],
    );
    assert.deepEqual(
      [...data.eachPatient()].map((p) => p.pid),
      data.allPatients().map((p) => p.pid),
    );
    const { pid, uuid } = data.newPatientIdentity();
    assert.equal(pid, 31);
    data.putPatient({ ...data.allPatients()[0], pid, id: pid, uuid, fname: 'New' });
    assert.equal(data.patientByUuid(uuid)?.fname, 'New');
    assert.equal(data.patientCount, 31);
    assert.equal(data.sortedPatients('-pid')[0].pid, 31);
  });

  it('background generation fills the store with the same records', async () => {
    const data = new DataStore(3, 1200);
    data.fillInBackground(100);
    await new Promise((ok) => setTimeout(ok, 50));
    assert.deepEqual(data.allPatients()[1199], new DataStore(3, 1200).patientByPid(1200));
    data.stopFilling();
  });
});
