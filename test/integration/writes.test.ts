// Editing, creating and deleting records in the real extension host against the simulator: the `openemr:`
// documents, the save with its diff and conflict check, validationErrors as diagnostics, and the tree.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, executeCommand, waitFor } from './helpers';
import { childRows, fieldOf, openDocument, setField, treeRow, userServer, WRITE_SCOPES, type TreeRow } from './writes-support';

interface SaveResult {
  status: number | string;
  changes: Array<{ field: string; old?: unknown; new?: unknown }>;
  conflict?: { serverChanges: Array<{ field: string }> };
  validationErrors?: Record<string, unknown>;
  created?: { path: string; uri: string };
}

const edit = async (serverId: string, path: string): Promise<string> =>
  (await executeCommand<{ uri: string }>('openemr.editRecord', { serverId, path })).uri;
const save = (uri: string, more: Record<string, unknown> = {}): Promise<SaveResult> =>
  executeCommand<SaveResult>('openemr.saveRecord', { uri, ...more });

/** Opens the record again (a document without unsaved changes is read from OpenEMR anew) and waits for `expected`. */
async function readBack(serverId: string, path: string, field: string, expected: unknown): Promise<void> {
  const uri = await edit(serverId, path);
  await waitFor(() => fieldOf(uri, field) === expected || undefined, 10_000, `${field} = ${String(expected)}`).catch(
    () => undefined,
  );
  assert.equal(fieldOf(uri, field), expected, `${field} read back from OpenEMR`);
  await closeAllEditors();
}

describe('writes: records as documents', function () {
  this.timeout(120_000);
  let serverId: string;
  /** A second profile of the same simulator: another user's view of the same records. */
  let otherId: string;
  let patient: TreeRow;
  let puuid: string;

  before(async () => {
    serverId = await userServer('Sim writes', WRITE_SCOPES);
    otherId = await userServer('Sim writes other', WRITE_SCOPES);
    patient = await treeRow(serverId, 'Patients', 0);
    puuid = (patient.node as unknown as { patient: { uuid: string } }).patient.uuid;
  });
  after(async () => {
    await closeAllEditors();
    for (const id of [serverId, otherId]) await executeCommand('openemr.removeServer', { serverId: id }).catch(() => undefined);
  });

  it('opens a patient as openemr:/{server}/api/patient/{puuid}.json with the editable fields and a schema', async () => {
    const uri = await edit(serverId, `/api/patient/${puuid}`);
    assert.equal(uri, vscode.Uri.from({ scheme: 'openemr', path: `/Sim writes/api/patient/${puuid}.json` }).toString());
    const doc = openDocument(uri);
    assert.equal(doc.languageId, 'json');
    const fields = JSON.parse(doc.getText()) as Record<string, unknown>;
    for (const readOnly of ['uuid', 'pid', 'id']) assert.ok(!(readOnly in fields), `${readOnly} is not in the document`);
    assert.ok(typeof fields.lname === 'string' && typeof fields.DOB === 'string');
    const schema = JSON.parse(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(String(fields.$schema)))),
    ) as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    assert.ok('lname' in schema.properties && 'email' in schema.properties);
    assert.equal(schema.additionalProperties, false);
    await closeAllEditors();
  });

  it('edit round trip: the diff without confirm, the PUT with it, and the new value read back', async () => {
    const uri = await edit(serverId, `/api/patient/${puuid}`);
    const before = fieldOf(uri, 'city');
    await setField(uri, 'city', 'Edited Town');
    const preview = await save(uri);
    assert.equal(preview.status, 'not-sent');
    assert.deepEqual(preview.changes, [{ field: 'city', kind: 'changed', old: before, new: 'Edited Town' }]);
    const saved = await save(uri, { confirm: true });
    assert.equal(saved.status, 200);
    assert.equal(openDocument(uri).isDirty, false, 'the editor is saved too');
    await closeAllEditors();
    await readBack(serverId, `/api/patient/${puuid}`, 'city', 'Edited Town');
    await closeAllEditors();
  });

  it('a save fetches again the viewer panels that show the record', async () => {
    const path = `/api/patient/${puuid}`;
    const { panelId } = await executeCommand<{ panelId: string }>('openemr.openInViewer', { serverId, path });
    const uri = await edit(serverId, path);
    await setField(uri, 'city', 'Viewer Town');
    assert.equal((await save(uri, { confirm: true })).status, 200);
    // The panel's document, as "Open in Editor" gives it: the server's version after the save.
    await executeCommand('openemr.viewer.openInEditor', { panelId });
    const shown = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(shown, /"city": "Viewer Town"/);
    await closeAllEditors();
  });

  it('a refused validation: diagnostics on the field, the text kept, the server unchanged', async () => {
    const uri = await edit(serverId, `/api/patient/${puuid}`);
    const dob = fieldOf(uri, 'DOB');
    await setField(uri, 'DOB', 'not-a-date');
    const result = await save(uri, { confirm: true });
    assert.equal(result.status, 400);
    assert.ok(result.validationErrors && 'DOB' in result.validationErrors, JSON.stringify(result.validationErrors));
    const doc = openDocument(uri);
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'OpenEMR');
    assert.equal(diagnostics.length, 1);
    assert.equal(doc.getText(diagnostics[0]!.range), '"DOB"');
    assert.match(diagnostics[0]!.message, /DOB/);
    assert.ok(doc.isDirty, 'the document stays dirty');
    assert.equal(fieldOf(uri, 'DOB'), 'not-a-date', "the user's text is kept");
    // Another profile of the same server opens its own document, read from OpenEMR.
    await readBack(otherId, `/api/patient/${puuid}`, 'DOB', dob);
    await setField(uri, 'DOB', String(dob));
    await closeAllEditors();
  });

  it('a concurrent change on the server is detected before overwriting', async () => {
    const mine = await edit(serverId, `/api/patient/${puuid}`);
    try {
      const theirs = await edit(otherId, `/api/patient/${puuid}`);
      await setField(theirs, 'phone_home', '617-555-0199');
      const theirSave = await save(theirs, { confirm: true });
      assert.equal(theirSave.status, 200, JSON.stringify(theirSave));
      await setField(mine, 'city', 'Mine');
      const refused = await save(mine, { confirm: true });
      assert.equal(refused.status, 'conflict');
      assert.deepEqual(
        refused.conflict?.serverChanges.map((c) => c.field),
        ['phone_home'],
      );
      assert.ok(openDocument(mine).isDirty);
      const forced = await save(mine, { confirm: true, overwrite: true });
      assert.equal(forced.status, 200, JSON.stringify(forced));
      await readBack(serverId, `/api/patient/${puuid}`, 'city', 'Mine');
    } finally {
      await closeAllEditors();
    }
  });

  it('creates from the template of a group, then the tree shows the new record; deletes after typing its name', async () => {
    const allergies = await treeRow(serverId, 'Patients', patient.label, 'Standard API', 'Allergies');
    assert.equal(allergies.item.contextValue, 'group.create');
    const records = async (row: TreeRow): Promise<string[]> =>
      (await childRows(row.node)).filter((r) => /^leaf/.test(r.item.contextValue ?? '')).map((r) => r.label);
    const before = await records(allergies);
    const { uri } = await executeCommand<{ uri: string }>('openemr.explorer.newRecord', allergies.node);
    assert.deepEqual(Object.keys(JSON.parse(openDocument(uri).getText()) as object), ['$schema', 'title', 'begdate']);
    await setField(uri, 'title', 'Integration peanuts');
    const created = await save(uri, { confirm: true });
    assert.equal(created.status, 201);
    assert.match(created.created?.path ?? '', new RegExp(`^/api/patient/${puuid}/allergy/[0-9a-f-]{36}$`));
    const after = await treeRow(serverId, 'Patients', patient.label, 'Standard API', 'Allergies');
    const labels = await records(after);
    assert.equal(labels.length, before.length + 1);
    assert.ok(
      labels.some((l) => l.includes('Integration peanuts')),
      labels.join(' | '),
    );
    await closeAllEditors();

    const path = created.created!.path;
    await assert.rejects(
      executeCommand('openemr.deleteRecord', { serverId, path, confirm: 'peanuts' }),
      /confirmation must be the record's display name "Integration peanuts"/,
    );
    const deleted = await executeCommand<{ status: number }>('openemr.deleteRecord', {
      serverId,
      path,
      confirm: 'Integration peanuts',
    });
    assert.equal(deleted.status, 200);
    const gone = await records(await treeRow(serverId, 'Patients', patient.label, 'Standard API', 'Allergies'));
    assert.ok(!gone.some((l) => l.includes('Integration peanuts')), gone.join(' | '));
  });

  it('createRecord with a body and confirm: true POSTs at once and returns the created path', async () => {
    const result = await executeCommand<{ status: number; created: { path: string } }>('openemr.createRecord', {
      serverId,
      path: `/api/patient/${puuid}/medical_problem`,
      body: { title: 'Command hypertension', begdate: '2026-01-15' },
      confirm: true,
    });
    assert.equal(result.status, 201);
    const uri = await edit(serverId, result.created.path);
    assert.equal(fieldOf(uri, 'title'), 'Command hypertension');
    await closeAllEditors();
  });

  it('refuses to edit a record OpenEMR cannot update, naming why', async () => {
    await assert.rejects(executeCommand('openemr.editRecord', { serverId, path: '/api/drug/1' }), /no route that updates/);
  });
});
