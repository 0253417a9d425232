import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import {
  checkExportScopes,
  LineCounter,
  OpenEmrError,
  retryAfterMs,
  runBulkExport,
  type ExportProgress,
  type OpenEmrClient,
} from '../../../src/core';
import { startSim, type SimContext } from '../core/sim-helpers';
import { simControl, systemClient } from '../writes/write-helpers';

interface SimJobs {
  jobs: Array<{ id: string; status: string }>;
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
}

describe('bulk export', function () {
  this.timeout(60_000);
  let ctx: SimContext;
  let sys: OpenEmrClient;
  let folder: string;

  before(async () => {
    ctx = await startSim({ flavor: 8, systemScopes: true, patients: 12 });
    sys = await systemClient(ctx);
  });
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'oe-export-'));
    await simControl(ctx, 'export', { retryAfter: 0.05 });
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));
  after(() => ctx?.close());

  it('system level: every output streamed to {Type}-{n}.ndjson, with the line count the server holds', async () => {
    await simControl(ctx, 'export', { polls: 3, retryAfter: 0.05 });
    const seen: ExportProgress[] = [];
    const result = await runBulkExport(sys, { level: 'system', folder }, { onProgress: (p) => seen.push(p) });
    assert.equal(seen.filter((p) => p.phase === 'waiting').length, 3, 'one progress report per 202');
    assert.match(seen.find((p) => p.phase === 'waiting')?.serverProgress ?? '', /in-progress \(1\/3\)/);
    const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as {
      output: Array<{ type: string; count: number }>;
      requiresAccessToken: boolean;
    };
    assert.ok(result.files.length > 5);
    assert.deepEqual(
      result.files.map((f) => f.type),
      manifest.output.map((o) => o.type),
    );
    for (const [i, file] of result.files.entries()) {
      assert.equal(path.basename(file.path), `${file.type}-1.ndjson`);
      assert.equal(file.lines, manifest.output[i]!.count, `${file.type} lines`);
      assert.equal((await lines(file.path)).length, file.lines);
    }
    const patients = result.files.find((f) => f.type === 'Patient')!;
    assert.equal(patients.lines, 12);
    const names = await readdir(folder);
    assert.ok(!names.some((n) => n.endsWith('.part')));
    assert.doesNotMatch(await readFile(result.manifestPath, 'utf8'), /Bearer|access_token"/);
  });

  it('patient level with _type, and group level with the group id', async () => {
    const patient = await runBulkExport(sys, { level: 'patient', types: ['Patient', 'Condition'], folder });
    assert.deepEqual(
      patient.files.map((f) => f.type),
      ['Patient', 'Condition'],
    );
    const group = sys.unwrap(await sys.request<{ entry: Array<{ resource: { id: string } }> }>('GET', '/fhir/Group')).entry[0]!
      .resource.id;
    const byGroup = await runBulkExport(sys, { level: 'group', groupId: group, types: ['Patient'], folder });
    assert.equal(byGroup.files[0]!.lines, 12);
  });

  it('an unknown group: OpenEMR 8 starts no job, and the error says to check the group id', async () => {
    await assert.rejects(
      runBulkExport(sys, { level: 'group', groupId: 'no-such-group', folder }),
      (e: unknown) => e instanceof OpenEmrError && /group id/.test(e.fix) && e.status === 400,
    );
    assert.deepEqual(await readdir(folder), []);
  });

  it('cancel: DELETE on the status URL, and no file left behind', async () => {
    await simControl(ctx, 'export', { polls: 1000, retryAfter: 0.05 });
    const abort = new AbortController();
    const run = runBulkExport(
      sys,
      { level: 'system', folder },
      { signal: abort.signal, onProgress: (p) => p.polls >= 2 && abort.abort() },
    );
    await assert.rejects(run, (e: unknown) => e instanceof OpenEmrError && e.kind === 'cancelled');
    const { jobs } = await simControl<SimJobs>(ctx, 'export');
    assert.equal(jobs.at(-1)?.status, 'deleted', 'the job was deleted on the server');
    assert.deepEqual(await readdir(folder), []);
  });

  it('refuses without system scopes, naming the backend-service registration and the Connectors setting', () => {
    assert.throws(
      () => checkExportScopes('system', ['user/Patient.read', 'api:fhir']),
      (e: unknown) =>
        e instanceof OpenEmrError &&
        e.kind === 'missing-scope' &&
        /private_key_jwt/.test(e.fix) &&
        /rest_system_scopes_api/.test(e.fix) &&
        /Connectors/.test(e.fix),
    );
    assert.throws(() => checkExportScopes('group', ['system/Patient.read']), /system\/Group\.\$export/);
    assert.doesNotThrow(() => checkExportScopes('group', ['system/*.$export', 'system/Binary.read']));
    assert.doesNotThrow(() => checkExportScopes('patient', ['system/Patient.$export', 'system/Binary.rs']));
    assert.throws(() => checkExportScopes('group', ['system/*.$export']), /system\/Binary\.read to download the files/);
    // A v2 scope without its r (search only) does not read.
    assert.throws(() => checkExportScopes('group', ['system/*.$export', 'system/Binary.s']), /system\/Binary\.read/);
    assert.doesNotThrow(() => checkExportScopes('group', ['system/*.$export', 'system/*.rs']));
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs('0.5'), 500);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('counts lines across chunk borders, blank lines and a last line without newline', async () => {
    const counter = new LineCounter();
    const chunks = ['{"a":', '1}\n{"b"', ':2}\n\n', '  \n{"c":3}'].map((s) => Buffer.from(s));
    await pipeline(Readable.from(chunks), counter, new Writable({ write: (_c, _e, done) => done() }));
    assert.equal(counter.lines, 3);
    assert.equal(
      counter.bytes,
      chunks.reduce((n, c) => n + c.length, 0),
    );
  });
});
