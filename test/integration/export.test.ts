// FHIR Bulk Data export in the real extension host against the simulator: system, patient and group levels
// with the files' line counts, cancel (DELETE, nothing left behind), the explained error without system
// scopes, and an NDJSON file in the JSON viewer.
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { executeCommand, simControl, simUrl, waitFor } from './helpers';
import { backendServer, treeRow, userServer } from './writes-support';

interface ExportResult {
  files: Array<{ type: string; path: string; lines: number }>;
  errors: unknown[];
  manifestPath: string;
  summaryPath: string;
  durationMs: number;
}
interface SimJobs {
  jobs: Array<{ id: string; status: 'in-progress' | 'complete' | 'deleted' }>;
}

const simJobs = async (): Promise<SimJobs['jobs']> => ((await (await fetch(`${simUrl()}/__sim/export`)).json()) as SimJobs).jobs;
const bulkExport = (args: Record<string, unknown>): Promise<ExportResult> =>
  executeCommand<ExportResult>('openemr.bulkExport', args);

async function fileLines(file: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim()).length;
}

/** Resources the simulator holds, counted through a FHIR search of the same server. */
async function held(serverId: string, type: string): Promise<number> {
  const shown = await executeCommand<{ rendered?: { bundleEntries?: number } }>('openemr.openInViewer', {
    serverId,
    path: `/fhir/${type}?_count=100000`,
  });
  return shown.rendered?.bundleEntries ?? -1;
}

describe('bulk export', function () {
  this.timeout(180_000);
  let serverId: string;
  let folder: string;

  before(async () => {
    serverId = await backendServer('Sim export');
  });
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'openemr-export-'));
    await simControl('export', {});
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));
  after(async () => {
    await simControl('export', {});
    await simControl('globals', { rest_system_scopes_api: 0 });
    await executeCommand('openemr.removeServer', { serverId }).catch(() => undefined);
  });

  it('system level: one file per type, line counts equal to what the server holds and to its manifest', async () => {
    const result = await bulkExport({ serverId, level: 'system', folder });
    const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as {
      output: Array<{ type: string; count: number }>;
    };
    assert.ok(result.files.length >= 10, `${result.files.length} files`);
    for (const [i, file] of result.files.entries()) {
      assert.equal(path.basename(file.path), `${file.type}-1.ndjson`);
      assert.equal(file.lines, await fileLines(file.path), `${file.type}: reported lines = lines on disk`);
      assert.equal(file.lines, manifest.output[i]!.count, `${file.type}: lines = the server's count`);
    }
    const patients = result.files.find((f) => f.type === 'Patient')!;
    assert.equal(patients.lines, await held(serverId, 'Patient'));
    assert.ok((await readFile(result.summaryPath, 'utf8')).includes('| Patient |'));
    assert.ok(!(await readdir(folder)).some((n) => n.endsWith('.part')));
  });

  it('patient level with _type, and group level from the Group row of the tree', async () => {
    const byPatient = await bulkExport({ serverId, level: 'patient', types: ['Patient', 'Condition'], folder });
    assert.deepEqual(
      byPatient.files.map((f) => f.type),
      ['Patient', 'Condition'],
    );
    assert.equal(byPatient.files[0]!.lines, await held(serverId, 'Patient'));
    const group = await treeRow(serverId, 'FHIR', 'Group', 0);
    assert.match(String(group.item.contextValue), /\.export$/);
    const groupId = (group.node as unknown as { recordId: string }).recordId;
    const byGroup = await bulkExport({ serverId, level: 'group', groupId, types: 'Patient', folder: path.join(folder, 'group') });
    assert.equal(byGroup.files[0]!.lines, await held(serverId, 'Patient'));
  });

  it('cancel sends DELETE to the status URL and leaves no file announced complete', async () => {
    await simControl('export', { polls: 1000, retryAfter: 0.2 });
    const run = bulkExport({ serverId, level: 'system', folder });
    const outcome = run.then(
      () => 'finished',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    await waitFor(async () => (await simJobs()).some((j) => j.status === 'in-progress') || undefined, 15_000, 'a running job');
    const cancelled = await executeCommand<{ cancelled: boolean }>('openemr.cancelBulkExport', { serverId });
    assert.equal(cancelled.cancelled, true);
    assert.match(await outcome, /cancelled/);
    assert.equal((await simJobs()).at(-1)?.status, 'deleted', 'the job was DELETEd on the server');
    const left = await readdir(folder).catch(() => []);
    assert.deepEqual(left, [], 'no file and no manifest');
    assert.equal((await executeCommand<{ cancelled: boolean }>('openemr.cancelBulkExport', { serverId })).cancelled, false);
  });

  it('without system scopes: the explained error names the backend registration and the Connectors setting', async () => {
    const userId = await userServer('Sim export user', ['openid', 'api:fhir', 'user/Patient.read']);
    try {
      await assert.rejects(bulkExport({ serverId: userId, level: 'system', folder }), (e: unknown) => {
        const text = e instanceof Error ? e.message : '';
        return (
          /system\/ scope/.test(text) &&
          /private_key_jwt/.test(text) &&
          /rest_system_scopes_api/.test(text) &&
          /Connectors/.test(text)
        );
      });
      assert.deepEqual(await readdir(folder), []);
    } finally {
      await executeCommand('openemr.removeServer', { serverId: userId }).catch(() => undefined);
    }
  });

  it('opens an exported NDJSON file in the JSON viewer, one row per line', async () => {
    const result = await bulkExport({ serverId, level: 'patient', types: ['Patient'], folder });
    const shown = await executeCommand<{ lines: number; truncated: boolean; panelId?: string }>('openemr.openNdjson', {
      path: result.files[0]!.path,
    });
    assert.equal(shown.lines, result.files[0]!.lines);
    assert.equal(shown.truncated, false);
    assert.ok(shown.panelId);
  });
});
