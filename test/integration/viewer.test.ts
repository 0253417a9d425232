import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RenderSummary } from '../../src/viewer/protocol';
import { simAccessToken, simGet, storeHostilePatients, xssCorpus } from '../unit/viewer/fixtures/simPatients';
import { activateExtension, closeAllEditors, executeCommand, simControl, simUrl, waitFor } from './helpers';

interface OpenResult {
  panelId: string;
  title: string;
  sizeBytes: number;
  documentMessages: number;
  rendered?: RenderSummary;
}

const open = (arg: unknown): Promise<OpenResult> => executeCommand<OpenResult>('openemr.openInViewer', arg);

function viewerTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('openemr.viewer'));
}

const patient = {
  resourceType: 'Patient',
  id: 'p-1',
  name: [{ family: 'Doe', given: ['Jane'] }],
  birthDate: '1975-04-12',
  gender: 'female',
  managingOrganization: { reference: 'Organization/o-1' },
};

describe('viewer (host)', function () {
  this.timeout(120_000);

  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('openemr.viewer').update('reusePanel', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
  });

  it('opens a parsed FHIR Patient in a panel and reports what the webview drew', async () => {
    const result = await open({
      title: 'Patient p-1',
      json: patient,
      request: { method: 'GET', url: 'https://x/fhir/Patient/p-1', status: 200, timeMs: 12, sizeBytes: 180 },
    });
    assert.match(result.panelId, /^[0-9a-f-]{36}$/);
    assert.equal(result.title, 'Patient p-1');
    assert.equal(result.sizeBytes, Buffer.byteLength(JSON.stringify(patient)));
    assert.equal(result.documentMessages, 1, 'the document is posted once');
    assert.ok(result.rendered, 'the webview reported its render');
    assert.equal(result.rendered.resourceType, 'Patient');
    assert.equal(result.rendered.parseError, undefined);
    assert.ok(result.rendered.rows > 6, `rows: ${result.rendered.rows}`);
    const tabs = await waitFor(() => viewerTabs().length === 1 && viewerTabs(), 10_000, 'one viewer tab');
    assert.equal(tabs[0].label, 'Patient p-1');
  });

  it('shows the standard API envelope errors and counts them', async () => {
    const envelope = JSON.stringify({
      validationErrors: { fname: 'is required', DOB: ['must be a date'] },
      internalErrors: ['database unavailable'],
      data: null,
    });
    const result = await open({ title: 'POST /api/patient', json: envelope });
    assert.equal(result.rendered?.envelopeErrors, 3);
  });

  it('a Bundle reports its entry count; invalid JSON reports the parse error', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: patient }, { resource: { ...patient, id: 'p-2' } }],
    };
    assert.equal((await open({ title: 'Bundle', json: bundle })).rendered?.bundleEntries, 2);
    const broken = await open({ title: 'Broken', json: '{"a": [1, 2' });
    assert.ok(broken.rendered?.parseError, 'a parse error is reported');
    assert.equal(broken.rendered?.rows, 0);
  });

  it('opens one panel per document, or reuses one when openemr.viewer.reusePanel is on', async () => {
    const a = await open({ title: 'A', json: { a: 1 } });
    const b = await open({ title: 'B', json: { b: 2 } });
    assert.notEqual(a.panelId, b.panelId);
    await waitFor(() => viewerTabs().length === 2, 10_000, 'two viewer tabs');
    await vscode.workspace.getConfiguration('openemr.viewer').update('reusePanel', true, vscode.ConfigurationTarget.Global);
    const c = await open({ title: 'C', json: { c: 3 } });
    assert.equal(viewerTabs().length, 2, 'no third tab');
    assert.ok([a.panelId, b.panelId].includes(c.panelId), 'C reused an existing panel');
    assert.equal(c.documentMessages, 2, 'the reused panel received a second document');
    await waitFor(() => viewerTabs().some((t) => t.label === 'C'), 10_000, 'the reused tab titled C');
  });

  it('{ serverId, path } for an unknown server, or a malformed argument, fails with a clear message', async () => {
    await assert.rejects(open({ serverId: 'nowhere', path: '/fhir/Patient' }), /nowhere/);
    await assert.rejects(open({ serverId: 'nowhere' }), /\{ title, json \} or \{ serverId, path \}/);
    assert.equal(viewerTabs().length, 0, 'no panel opened');
  });

  it('"Open in editor" gives an untitled JSON document with the pretty-printed text', async () => {
    const result = await open({ title: 'Patient', json: JSON.stringify(patient) });
    const answer = await executeCommand<{ opened: string; lineCount: number; formatted: boolean }>(
      'openemr.viewer.openInEditor',
      { panelId: result.panelId },
    );
    assert.equal(answer.opened, 'editor');
    assert.equal(answer.formatted, true);
    const editor = await waitFor(() => vscode.window.activeTextEditor, 10_000, 'the untitled editor');
    assert.equal(editor.document.isUntitled, true);
    assert.equal(editor.document.languageId, 'json');
    assert.deepEqual(JSON.parse(editor.document.getText()), patient);
    assert.equal(editor.document.lineCount, answer.lineCount);
  });

  it('a 60 MB Bundle renders and, above the 50 MB editor limit, is saved to a file instead', async function () {
    this.timeout(240_000);
    const entry = JSON.stringify({ resource: { ...patient, text: { div: 'x'.repeat(2000) } } });
    const count = Math.ceil((60 * 1024 * 1024) / entry.length);
    const json = Buffer.from(`{"resourceType":"Bundle","type":"collection","entry":[${Array(count).fill(entry).join(',')}]}`);
    const result = await open({ title: 'Large bundle', json });
    assert.equal(result.sizeBytes, json.byteLength);
    assert.equal(result.documentMessages, 1);
    assert.equal(result.rendered?.bundleEntries, count);
    const target = path.join(mkdtempSync(path.join(tmpdir(), 'viewer-')), 'large.json');
    const answer = await executeCommand<{ opened: string; path: string }>('openemr.viewer.openInEditor', {
      panelId: result.panelId,
      saveTo: target,
    });
    assert.deepEqual(answer, { opened: 'file', path: target });
    assert.equal(statSync(target).size, json.byteLength);
  });

  it('renders patients whose fields hold an XSS corpus stored through the simulator API', async () => {
    const base = simUrl();
    const token = await simAccessToken(base);
    const list = await storeHostilePatients(base, token, `XssHost${Date.now()}`);
    assert.equal(list.request.status, 200, list.text.slice(0, 200));
    const data = (JSON.parse(list.text) as { data: Array<{ fname: string; uuid: string }> }).data;
    assert.deepEqual(data.map((p) => p.fname).sort(), [...xssCorpus].sort(), 'the API stored every hostile string as is');
    const result = await open({ title: 'Hostile patients', json: list.text, request: list.request });
    assert.equal(result.rendered?.parseError, undefined);
    assert.equal(result.rendered?.envelopeErrors, 0);
    const one = await simGet(base, token, `/api/patient/${data[0].uuid}`);
    const single = await open({ title: 'One hostile patient', json: one.text, request: one.request });
    assert.ok((single.rendered?.rows ?? 0) > 5);
    assert.ok(!JSON.stringify(result).includes(token), 'no token in the command result');
    assert.ok(!readFileSync(__filename, 'utf8').includes(token));
  });
});

describe('viewer (signed in to the simulator)', function () {
  this.timeout(120_000);
  let serverId = '';

  before(async () => {
    await activateExtension();
    serverId = (await executeCommand<{ serverId: string }>('openemr.addServer', { name: 'Sim viewer', baseUrl: simUrl() }))
      .serverId;
    const client = await executeCommand<{ clientId: string }>('openemr.registerClient', {
      serverId,
      applicationType: 'private',
      clientName: 'viewer test',
    });
    await simControl(`clients/${encodeURIComponent(client.clientId)}/enable`);
    await executeCommand('openemr.login', {
      serverId,
      grant: 'password',
      userRole: 'users',
      username: 'admin',
      password: 'pass',
    });
  });

  after(async () => {
    await closeAllEditors();
    await executeCommand('openemr.logout', { serverId }).catch(() => undefined);
  });

  it('fetches GET path with the server token and opens the answer', async () => {
    const bundle = await open({ serverId, path: '/fhir/Patient?_count=5' });
    assert.equal(bundle.title, '/fhir/Patient?_count=5');
    assert.equal(bundle.rendered?.resourceType, 'Bundle');
    assert.equal(bundle.rendered?.bundleEntries, 5);
    const list = await open({ serverId, path: '/api/patient?_limit=3' });
    assert.equal(list.rendered?.envelopeErrors, 0);
    assert.ok((list.rendered?.rows ?? 0) > 3);
    assert.notEqual(list.panelId, bundle.panelId);
  });

  it('opening the same path again reuses its panel; an error answer still opens as a document', async () => {
    const first = await open({ serverId, path: '/fhir/Patient?_count=2' });
    const again = await open({ serverId, path: '/fhir/Patient?_count=2' });
    assert.equal(again.panelId, first.panelId);
    assert.equal(again.documentMessages, 2);
    const missing = await open({ serverId, path: '/fhir/Patient/00000000-0000-0000-0000-000000000000' });
    assert.ok(missing.rendered, 'the 404 answer is shown');
  });
});
