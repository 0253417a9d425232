// Request files in the real extension host against the simulator: named requests, response references and
// assertions run through the Testing API (one failing assertion reported as failed), the token diagnostic
// and its quick fix, CodeLens, completion, hover, the history (cap, no secret) and every snippet run for real.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { HistoryEntry } from '../../src/core/requests/history';
import { activateExtension, closeAllEditors, executeCommand, waitFor } from './helpers';
import { removeServer, signedInServer, tokenOf } from './requests-support';

const run = promisify(execFile);

interface Outcome {
  id: string;
  label: string;
  state: 'passed' | 'failed' | 'errored' | 'skipped';
  messages: string[];
  status?: number;
}
interface TreeNode {
  id: string;
}
interface RequestsExports {
  requests: { tests: { controller: vscode.TestController; onDidFinish: vscode.Event<Outcome[]> } };
  explorer: { provider: vscode.TreeDataProvider<TreeNode>; view: vscode.TreeView<TreeNode> };
}

/** The child of a tree row whose label matches. */
async function child(exports: RequestsExports, parent: TreeNode | undefined, label: RegExp): Promise<TreeNode> {
  return waitFor(
    async () => {
      for (const node of (await exports.explorer.provider.getChildren(parent)) ?? []) {
        const item = await exports.explorer.provider.getTreeItem(node);
        const text = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        if (label.test(text) || label.test(node.id)) return node;
      }
      return undefined;
    },
    20_000,
    `a row ${String(label)}`,
  );
}

const SERVER = 'Request files sim';
const dir = mkdtempSync(path.join(tmpdir(), 'openemr-request-files-'));

function requestFile(name: string, text: string): vscode.Uri {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return vscode.Uri.file(file);
}

const FILE = [
  `# @server ${SERVER}`,
  '@limit = 3',
  '',
  '###',
  '# @name list',
  'GET /api/patient?_limit={{limit}}',
  '',
  '?? status == 200',
  '?? body $.data.length == {{limit}}',
  '',
  '###',
  '# @name one',
  'GET /api/patient/{{list.response.body.$.data[0].uuid}}',
  '',
  '?? status == 200',
  '?? body $.data.uuid == {{list.response.body.$.data[0].uuid}}',
  '?? header content-type contains json',
  '',
  '###',
  '# @name wrong',
  'GET /fhir/metadata',
  '',
  '?? status == 200',
  '?? body $.resourceType == Patient',
  '',
].join('\n');

describe('request files (host)', function () {
  this.timeout(180_000);
  let serverId: string;
  let api: RequestsExports['requests'];
  let exports: RequestsExports;

  before(async () => {
    const extension = await activateExtension();
    exports = extension.exports as RequestsExports;
    api = exports.requests;
    serverId = await signedInServer(SERVER);
    await executeCommand('openemr.history.clear', { serverId });
  });
  after(async () => {
    await closeAllEditors();
    await removeServer(serverId);
  });

  it('a .openemr.http file gets the openemr-http language, a test item per request and CodeLens Send / Send All', async () => {
    const uri = requestFile('suite.openemr.http', FILE);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'openemr-http');
    const fileItem = await waitFor(() => api.tests.controller.items.get(uri.toString()), 10_000, 'the file test item');
    const labels: string[] = [];
    fileItem.children.forEach((c) => labels.push(c.label));
    assert.deepEqual(labels, ['list', 'one', 'wrong']);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(
      lenses.map((l) => `${l.range.start.line}:${l.command?.title}`),
      [
        '5:$(play) Send',
        '5:$(run-all) Send All',
        '12:$(play) Send',
        '12:$(run-all) Send All',
        '20:$(play) Send',
        '20:$(run-all) Send All',
      ],
    );
  });

  it('runs through the Testing API: references resolve, two requests pass, the failing assertion is reported as failed', async () => {
    const uri = requestFile('suite.openemr.http', FILE);
    const finished = new Promise<Outcome[]>((resolve) => {
      const sub = api.tests.onDidFinish((outcomes) => {
        sub.dispose();
        resolve(outcomes);
      });
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The Test Explorer's own "Run All Tests": the controller's run profile runs every request file item.
    await vscode.commands.executeCommand('testing.runAll');
    const outcomes = (await finished).filter((o) => o.id.startsWith(uri.toString()));
    assert.deepEqual(
      outcomes.map((o) => [o.label, o.state]),
      [
        ['list', 'passed'],
        ['one', 'passed'],
        ['wrong', 'failed'],
      ],
    );
    const wrong = outcomes[2]!;
    assert.equal(wrong.messages.length, 1);
    assert.match(wrong.messages[0]!, /body \$\.resourceType: expected == Patient, actual CapabilityStatement/);
  });

  it('Send All and Send run from the command with the same results; Send opens the answer in the viewer', async () => {
    const uri = requestFile('suite.openemr.http', FILE);
    const all = await executeCommand<{ outcomes: Outcome[] }>('openemr.requests.sendAll', { uri: uri.toString() });
    assert.deepEqual(
      all.outcomes.map((o) => o.state),
      ['passed', 'passed', 'failed'],
    );
    const one = await executeCommand<{ status: number; passed: boolean; assertions: Array<{ passed: boolean }> }>(
      'openemr.requests.send',
      { uri: uri.toString(), index: 1 },
    );
    assert.equal(one.status, 200);
    assert.equal(one.passed, true);
    assert.equal(one.assertions.length, 3);
    await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('GET /api/patient/')),
      10_000,
      'the answer in the viewer',
    );
  });

  it('an undefined variable is an errored request, not a send', async () => {
    const uri = requestFile('undefined.openemr.http', `# @server ${SERVER}\nGET /api/patient/{{nobody}}\n\n?? status == 200\n`);
    const result = await executeCommand<{ error?: string; status?: number }>('openemr.requests.send', {
      uri: uri.toString(),
      index: 0,
      show: false,
    });
    assert.equal(result.status, undefined);
    assert.match(result.error ?? '', /\{\{nobody\}\} is not defined/);
  });

  it('takes {{patient.uuid}} and {{patient.pid}} from the tree selection and {{$env NAME}} from the environment', async () => {
    const server = await child(exports, undefined, new RegExp(`^server:${serverId}$`));
    const patients = await child(exports, server, /^Patients/);
    const patient = await child(exports, patients, /^[^,]+, .+/);
    await exports.explorer.view.reveal(patient, { select: true, focus: false });
    await waitFor(() => exports.explorer.view.selection[0] === patient, 10_000, 'the patient selected');
    process.env.OPENEMR_REQUESTS_TEST_LIMIT = '2';
    const uri = requestFile(
      'selection.openemr.http',
      [
        `# @server ${SERVER}`,
        '# @name me',
        'GET /api/patient/{{patient.uuid}}',
        '',
        '?? status == 200',
        '?? body $.data.pid == {{patient.pid}}',
        '###',
        'GET /api/patient?_limit={{$env OPENEMR_REQUESTS_TEST_LIMIT}}',
        '',
        '?? body $.data.length == 2',
        '',
      ].join('\n'),
    );
    const all = await executeCommand<{ outcomes: Outcome[] }>('openemr.requests.sendAll', { uri: uri.toString() });
    assert.deepEqual(
      all.outcomes.map((o) => [o.state, o.status]),
      [
        ['passed', 200],
        ['passed', 200],
      ],
      JSON.stringify(all.outcomes),
    );
  });

  it('with openemr.requests.plainHttpFiles a plain .http file becomes a request file', async () => {
    const config = vscode.workspace.getConfiguration('openemr.requests');
    const plain = await vscode.workspace.openTextDocument(requestFile('plain.http', 'GET /fhir/metadata\n'));
    assert.notEqual(plain.languageId, 'openemr-http', 'not without the setting');
    await config.update('plainHttpFiles', true, vscode.ConfigurationTarget.Global);
    try {
      await waitFor(
        () => vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/plain.http') && d.languageId === 'openemr-http'),
        10_000,
        'plain.http as openemr-http',
      );
    } finally {
      await config.update('plainHttpFiles', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('warns on an Authorization line with a real-looking token and removes it with the quick fix', async () => {
    const token = await tokenOf(serverId);
    const uri = requestFile(
      'token.openemr.http',
      `# @server ${SERVER}\nGET /api/patient\nAuthorization: Bearer ${token}\n\n###\nGET /api/nothing_here\n\n###\nGET /api/patient/{{ghost}}\n`,
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length >= 3 ? d : undefined;
      },
      10_000,
      'diagnostics',
    );
    const tokenWarning = diagnostics.find((d) => d.code === 'token-in-file')!;
    assert.equal(tokenWarning.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(tokenWarning.range.start.line, 2);
    assert.ok(!tokenWarning.message.includes(token));
    assert.ok(diagnostics.some((d) => d.code === 'unknown-route' && d.range.start.line === 5));
    assert.ok(diagnostics.some((d) => d.code === 'undefined-variable' && d.range.start.line === 8));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      tokenWarning.range,
    );
    const fix = actions.find((a) => a.title.startsWith('Remove the Authorization line'))!;
    assert.ok(fix.edit);
    await vscode.workspace.applyEdit(fix.edit);
    assert.ok(!document.getText().includes(token));
    assert.ok(document.getText().includes('GET /api/patient\n'));
    await waitFor(
      () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'token-in-file'),
      10_000,
      'the warning gone',
    );
    await document.save();
  });

  it('completes routes and variables, and hovers a path with its route and scope', async () => {
    const uri = requestFile(
      'complete.openemr.http',
      `# @server ${SERVER}\n@who = x\n\n###\n# @name list\nGET /api/patient\n\n###\nGET /api/patient/{{\n`,
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const vars = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      new vscode.Position(8, 19),
    );
    const varLabels = vars.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const expected of ['who', 'patient.uuid', 'encounter.uuid', 'list.response.body.$.', '$env '])
      assert.ok(varLabels.includes(expected), `${expected} in ${varLabels.join(', ')}`);
    const routes = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      new vscode.Position(5, 3),
    );
    const routeLabels = routes.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(routeLabels.includes('GET /fhir/Observation') && routeLabels.includes('POST /api/patient'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(5, 8),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(text, /Patients: list/);
    assert.match(text, /user\/patient\.s/);
    assert.match(text, /the token holds it/);
  });

  it('New Request File writes a starter file whose requests all pass', async () => {
    const target = path.join(dir, 'starter.openemr.http');
    const { uri } = await executeCommand<{ uri: string }>('openemr.requests.newFile', { serverId, path: target });
    const all = await executeCommand<{ outcomes: Outcome[] }>('openemr.requests.sendAll', { uri });
    assert.deepEqual(
      all.outcomes.map((o) => `${o.label}:${o.state}`),
      ['patients:passed', 'patient:passed', 'metadata:passed'],
    );
  });

  it('the history keeps method, path, status, time and when, no secret, and at most 200 per server', async () => {
    const token = await tokenOf(serverId);
    await executeCommand('openemr.history.clear', { serverId });
    await executeCommand('openemr.sendRequest', {
      serverId,
      method: 'POST',
      path: '/api/patient',
      headers: { 'X-Trace': 'history-check' },
      body: { fname: 'Hist', lname: 'Ory', DOB: '1990-01-01', sex: 'Male' },
    });
    const first = (await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries;
    assert.equal(first.length, 1);
    assert.deepEqual(
      [first[0]!.method, first[0]!.path, typeof first[0]!.status, typeof first[0]!.durationMs, typeof first[0]!.at],
      ['POST', '/api/patient', 'number', 'number', 'string'],
    );
    assert.deepEqual(first[0]!.headers, { 'X-Trace': 'history-check' });
    assert.equal(first[0]!.response, undefined, 'no response body by default');
    const saved = await executeCommand<{ uri: string }>('openemr.history.saveAsFile', {
      id: first[0]!.id,
      path: path.join(dir, 'from-history.openemr.http'),
      show: false,
    });
    const text = (await vscode.workspace.openTextDocument(vscode.Uri.parse(saved.uri))).getText();
    assert.match(text, new RegExp(`^# @server ${SERVER}$`, 'm'));
    assert.match(text, /^POST \/api\/patient\nX-Trace: history-check\n\n\{\n {2}"fname": "Hist"/m);
    assert.ok(!/authorization/i.test(text));
    const resent = await executeCommand<{ outcomes: Outcome[] }>('openemr.requests.sendAll', { uri: saved.uri });
    assert.equal(resent.outcomes[0]!.state, 'passed', JSON.stringify(resent.outcomes));
    const second = (await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries;
    assert.equal(second.length, 2, 'the file run was recorded too');
    assert.deepEqual(await executeCommand('openemr.history.delete', { id: second[0]!.id }), { deleted: true });
    assert.equal((await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries.length, 1);
    for (let i = 0; i < 205; i++) await executeCommand('openemr.sendRequest', { serverId, method: 'GET', path: '/api/version' });
    const entries = (await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries;
    assert.equal(entries.length, 200);
    assert.ok(
      entries.every((e) => e.path === '/api/version'),
      'the oldest fell out',
    );
    assert.ok(!JSON.stringify(entries).includes(token));
  });

  it('keeps answers when openemr.history.keepResponses is on, and opens one', async () => {
    const config = vscode.workspace.getConfiguration('openemr.history');
    await config.update('keepResponses', true, vscode.ConfigurationTarget.Global);
    try {
      await executeCommand('openemr.sendRequest', { serverId, method: 'GET', path: '/fhir/metadata' });
      const [latest] = (await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries;
      assert.equal((latest!.response?.body as { resourceType: string }).resourceType, 'CapabilityStatement');
      assert.deepEqual(await executeCommand('openemr.history.open', { id: latest!.id }), { opened: true });
      const again = await executeCommand<{ status: number }>('openemr.history.sendAgain', { id: latest!.id });
      assert.equal(again.status, 200);
    } finally {
      await config.update('keepResponses', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  describe('snippets run for real with the token in $OPENEMR_TOKEN', () => {
    for (const kind of ['curl', 'fetch', 'python'] as const) {
      it(`${kind}, from a history entry and from a request file`, async () => {
        const token = await tokenOf(serverId);
        await executeCommand('openemr.sendRequest', {
          serverId,
          method: 'POST',
          path: '/api/patient',
          body: { fname: `It's "${kind}" $HOME`, lname: `Snip-${kind}`, DOB: '1990-01-01', sex: 'Female' },
        });
        const [entry] = (await executeCommand<{ entries: HistoryEntry[] }>('openemr.history.list', { serverId })).entries;
        const fromHistory = await executeCommand<{ snippet: string; includesToken: boolean }>('openemr.history.copySnippet', {
          id: entry!.id,
          kind,
        });
        assert.equal(fromHistory.includesToken, false);
        assert.ok(!fromHistory.snippet.includes(token));
        assert.equal(await vscode.env.clipboard.readText(), fromHistory.snippet);
        const created = await execute(kind, fromHistory.snippet, token);
        assert.match(created, /"uuid"/, created);

        const uri = requestFile(`snippet-${kind}.openemr.http`, `# @server ${SERVER}\nGET /api/patient?lname=Snip-${kind}\n`);
        const fromFile = await executeCommand<{ snippet: string }>('openemr.requests.copySnippet', {
          uri: uri.toString(),
          index: 0,
          kind,
        });
        const listed = await execute(kind, fromFile.snippet, token);
        const body = JSON.parse(listed.slice(listed.indexOf('{'))) as { data: Array<{ fname: string }> };
        assert.ok(
          body.data.some((p) => p.fname === `It's "${kind}" $HOME`),
          listed,
        );
      });
    }

    it('puts the live token in only when acknowledged', async () => {
      const uri = requestFile('snippet-token.openemr.http', `# @server ${SERVER}\nGET /fhir/metadata\n`);
      await assert.rejects(
        executeCommand('openemr.requests.copySnippet', { uri: uri.toString(), index: 0, kind: 'curl', includeToken: true }),
        /acknowledgeRisk/,
      );
      const result = await executeCommand<{ snippet?: string; includesToken: boolean }>('openemr.requests.copySnippet', {
        uri: uri.toString(),
        index: 0,
        kind: 'curl',
        includeToken: true,
        acknowledgeRisk: true,
      });
      assert.equal(result.includesToken, true);
      assert.equal(result.snippet, undefined, 'a snippet with the token goes to the clipboard only');
      const out = await execute('curl', await vscode.env.clipboard.readText(), '');
      await vscode.env.clipboard.writeText('');
      assert.match(out, /CapabilityStatement/);
    });
  });
});

/** Runs a snippet with curl, python3 or Node, with OPENEMR_TOKEN set; returns what it printed. */
async function execute(kind: 'curl' | 'fetch' | 'python', code: string, token: string): Promise<string> {
  const env = { ...process.env, OPENEMR_TOKEN: token };
  if (kind === 'curl') return (await run('sh', ['-c', code], { env })).stdout;
  const file = path.join(dir, kind === 'python' ? 'snippet.py' : 'snippet.mjs');
  writeFileSync(file, code);
  return (await run(kind === 'python' ? 'python3' : process.execPath, [file], { env })).stdout;
}
