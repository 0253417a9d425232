// The Servers tree inside the real extension host, against the simulator: hierarchy, paging with Load more,
// search, scope-based hiding, error nodes with Retry, leaf commands, and a patient token's own record.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, executeCommand, EXTENSION_ID, simControl, simUrl, waitFor } from './helpers';
import { Relay } from './relay';

/** The parts of the extension's explorer API the tests read (the tree is read as VS Code reads it). */
interface Node {
  id: string;
  parent?: Node;
}
interface ExplorerApi {
  provider: vscode.TreeDataProvider<Node>;
  view: vscode.TreeView<Node>;
}
interface Row {
  node: Node;
  item: vscode.TreeItem;
  label: string;
}

const READ_SCOPES = [
  'openid',
  'offline_access',
  'api:oemr',
  'api:fhir',
  'user/patient.read',
  'user/encounter.read',
  'user/vital.read',
  'user/soap_note.read',
  'user/medical_problem.read',
  'user/allergy.read',
  'user/medication.read',
  'user/appointment.read',
  'user/document.read',
  'user/practitioner.read',
  'user/facility.read',
  'user/list.read',
  'user/Condition.read',
  'user/Observation.read',
  'user/Encounter.read',
  'user/Organization.read',
  'user/Practitioner.read',
];
const ADMIN_LOGIN = { userRole: 'users', username: 'admin', password: 'pass' };
const PATIENT_SCOPES = [
  'openid',
  'api:port',
  'api:fhir',
  'patient/patient.read',
  'patient/encounter.read',
  'patient/appointment.read',
  'patient/Patient.read',
  'patient/Condition.read',
];

let api: ExplorerApi;

async function rows(node?: Node): Promise<Row[]> {
  const children = (await api.provider.getChildren(node)) ?? [];
  return Promise.all(
    children.map(async (child) => {
      const item = await api.provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { node: child, item, label };
    }),
  );
}

async function find(node: Node | undefined, label: string | RegExp): Promise<Row> {
  const all = await rows(node);
  const hit = all.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (!hit) throw new Error(`no "${String(label)}" under ${node?.id ?? 'the root'}: ${all.map((r) => r.label).join(' | ')}`);
  return hit;
}

async function signedInServer(
  name: string,
  scopes: string[],
  login: Record<string, unknown>,
  baseUrl = simUrl(),
): Promise<string> {
  const { serverId } = await executeCommand<{ serverId: string }>('openemr.addServer', { baseUrl, name });
  const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>(
    'openemr.registerClient',
    { serverId, applicationType: 'private', scopes },
  );
  if (enabled !== true) await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
  await executeCommand('openemr.login', { serverId, grant: 'password', scopes, ...login });
  return serverId;
}

async function serverRow(serverId: string, status = /signed in/): Promise<Row> {
  return waitFor(
    async () => {
      const all = await rows();
      const row = all.find((r) => r.node.id === `server:${serverId}`);
      return row && status.test(String(row.item.description)) ? row : undefined;
    },
    15_000,
    `server ${serverId} ${String(status)}`,
  );
}

/** The commands a row's menu offers (inline buttons or the context menu), by the manifest's `when` clauses. */
function menu(contextValue: string | undefined, inline: boolean): string[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
    contributes: { menus: Record<string, Array<{ command: string; when?: string; group?: string }>> };
  };
  const holds = (clause: string): boolean => {
    const [, key, op, value] = /^(\w+) (==|=~) (.+)$/.exec(clause.trim()) ?? [];
    const actual = key === 'view' ? 'openemr.explorer' : key === 'viewItem' ? (contextValue ?? '') : undefined;
    if (actual === undefined || !value) throw new Error(`unexpected when clause: ${clause}`);
    return op === '==' ? actual === value : new RegExp(value.slice(1, -1)).test(actual);
  };
  return manifest.contributes.menus['view/item/context']!.filter(
    (entry) => (entry.group?.startsWith('inline') ?? false) === inline && (entry.when ?? '').split('&&').every(holds),
  ).map((entry) => entry.command.replace('openemr.explorer.', ''));
}

const simRequests = async (): Promise<number> =>
  (await fetch(`${simUrl()}/__sim/counters`).then((r) => r.json() as Promise<{ requests: number }>)).requests;

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('openemr.explorer').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('explorer (Servers tree)', function () {
  this.timeout(180_000);
  let serverId: string;

  before(async () => {
    const extension = await activateExtension();
    api = (extension.exports as { explorer: ExplorerApi }).explorer;
    await setting('pageSize', 20);
    await setting('unreadableGroups', 'disable');
    serverId = await signedInServer('Explorer admin', READ_SCOPES, ADMIN_LOGIN);
  });

  after(async () => {
    await setting('pageSize', undefined);
    await setting('unreadableGroups', undefined);
    await closeAllEditors();
  });

  it('shows a server signed out with Sign In, Refresh, Diagnose and Remove, and signs in, diagnoses and removes through them', async () => {
    const { serverId: outId } = await executeCommand<{ serverId: string }>('openemr.addServer', {
      baseUrl: simUrl(),
      name: 'Explorer signed out',
    });
    const out = await serverRow(outId, /^no client$/);
    assert.equal(out.item.contextValue, 'server.signedOut.none');
    assert.deepEqual(menu(out.item.contextValue, true), ['signIn', 'refresh', 'diagnose', 'removeServer']);
    assert.deepEqual(menu(out.item.contextValue, false), [
      'openemr.registerClient',
      'openemr.useExistingClient',
      'openemr.openApiClientsPage',
      'openemr.editServer',
      'openemr.diagnose',
    ]);
    const [prompt, walkthrough] = await rows(out.node);
    assert.equal(prompt!.item.command?.command, 'openemr.explorer.signIn');
    assert.equal(walkthrough!.item.command?.command, 'workbench.action.openWalkthrough');
    const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>(
      'openemr.registerClient',
      { serverId: outId, applicationType: 'private', scopes: READ_SCOPES },
    );
    assert.equal(enabled, false, 'a confidential client with user/ scopes starts disabled');
    const awaiting = await serverRow(outId, /^client awaiting approval$/);
    assert.ok(menu(awaiting.item.contextValue, false).includes('openemr.checkClient'));
    const [approve] = await rows(awaiting.node);
    assert.equal(approve!.item.command?.command, 'openemr.openApiClientsPage');
    await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
    await executeCommand('openemr.checkClient', { serverId: outId });
    await serverRow(outId, /^client ready, signed out$/);
    await executeCommand('openemr.explorer.signIn', { serverId: outId, grant: 'password', scopes: READ_SCOPES, ...ADMIN_LOGIN });
    const signedIn = await serverRow(outId, /signed in as admin/);
    assert.deepEqual(menu(signedIn.item.contextValue, true), ['refresh', 'diagnose', 'removeServer']);
    const diagnosis = await executeCommand<{ checks: unknown[] }>('openemr.explorer.diagnose', { serverId: outId });
    assert.ok(Array.isArray(diagnosis.checks) && diagnosis.checks.length > 0);
    await executeCommand('openemr.explorer.removeServer', { serverId: outId });
    await waitFor(
      async () => !(await rows()).some((r) => r.node.id === `server:${outId}`),
      15_000,
      'the removed server to leave the tree',
    );
  });

  it('shows the server signed in, with Patients, the readable collections, Lists and FHIR', async () => {
    const server = await serverRow(serverId);
    assert.match(String(server.item.description), /signed in as/);
    assert.equal(server.item.contextValue, 'server.signedIn');
    const labels = (await rows(server.node)).map((r) => r.label);
    for (const label of [
      'Patients',
      'Practitioners',
      'Facilities',
      'Appointments',
      'Medical Problems',
      'Allergies',
      'Lists',
      'FHIR',
    ]) {
      assert.ok(labels.includes(label), `${label} in ${labels.join(', ')}`);
    }
    const fhir = await find(server.node, 'FHIR');
    const organization = await find(fhir.node, 'Organization');
    const orgs = await rows(organization.node);
    assert.ok(orgs.length > 0 && orgs.every((r) => /^leaf\b/.test(r.item.contextValue ?? '') && r.label.length > 0));
  });

  it('builds the hierarchy under a patient: API sections, groups with counts, encounters holding vitals and SOAP notes', async () => {
    const server = await serverRow(serverId);
    const patients = await find(server.node, 'Patients');
    const [first] = await rows(patients.node);
    assert.match(first!.label, /^[^,]+, .+/, 'Last, First');
    assert.match(String(first!.item.description), /^\d{4}-\d{2}-\d{2} · \w+/, 'DOB · sex');
    assert.match(String(first!.item.tooltip), /pid \d+/);
    assert.match(String(first!.item.tooltip), /uuid [0-9a-f-]{36}/);
    assert.deepEqual(
      (await rows(first!.node)).map((r) => r.label),
      ['Standard API', 'FHIR'],
    );
    const standard = await find(first!.node, 'Standard API');
    const encounters = await find(standard.node, 'Encounters');
    assert.equal(encounters.item.description, undefined, 'no count before the group is expanded: groups load lazily');
    const encounterRows = await rows(encounters.node);
    assert.ok(encounterRows.length >= 1);
    assert.match(encounterRows[0]!.label, /^\d{4}-\d{2}-\d{2} · /, 'encounter: date · reason');
    const counted = await api.provider.getTreeItem(encounters.node);
    assert.equal(counted.description, String(encounterRows.length), 'the group shows its count once loaded');
    assert.deepEqual(
      (await rows(encounterRows[0]!.node)).map((r) => r.label),
      ['Vitals', 'SOAP Notes'],
    );
    const vitals = await rows((await find(encounterRows[0]!.node, 'Vitals')).node);
    assert.match(vitals[0]!.label, /BP \d+\/\d+/);
    const fhirConditions = await rows((await find((await find(first!.node, 'FHIR')).node, 'Condition')).node);
    assert.ok(fhirConditions.length > 0 && fhirConditions.every((r) => r.item.command?.command === 'openemr.explorer.open'));
    const problems = await rows((await find(standard.node, 'Medical Problems')).node);
    const icon = (r: Row | undefined): string | undefined => (r?.item.iconPath as vscode.ThemeIcon | undefined)?.id;
    const icons = [icon(encounterRows[0]), icon(vitals[0]), icon(problems[0]), icon(fhirConditions[0])];
    assert.ok(icons.every(Boolean) && new Set(icons).size === icons.length, `an icon per kind: ${icons.join(', ')}`);
  });

  it('pages Patients with Load more to the end, sorted by last name', async () => {
    const server = await serverRow(serverId);
    const patients = await find(server.node, 'Patients');
    let page = await rows(patients.node);
    assert.equal(page.length, 21, '20 patients and Load more');
    let rounds = 0;
    while (page.at(-1)?.item.contextValue === 'loadMore') {
      const result = await executeCommand<{ loaded: number }>('openemr.explorer.loadMore', page.at(-1)!.node);
      page = await rows(patients.node);
      assert.equal(result.loaded, page.filter((r) => r.item.contextValue === 'patient').length);
      assert.ok(++rounds < 20);
    }
    const names = page.map((r) => r.label);
    assert.ok(names.length > 40, `${names.length} patients`);
    assert.equal(new Set(page.map((r) => r.node.id)).size, names.length, 'no patient twice');
    const lastNames = names.map((n) => n.split(',')[0]!);
    assert.deepEqual(lastNames, [...lastNames].sort(), 'sorted by last name');
    assert.equal((await api.provider.getTreeItem(patients.node)).description, String(names.length));
  });

  it('filters Patients in place by name and DOB, shows the filter in the view, and clears it', async () => {
    const server = await serverRow(serverId);
    const patients = await find(server.node, 'Patients');
    const someone = (await rows(patients.node))[2]!;
    const lastName = someone.label.split(',')[0]!;
    const result = await executeCommand<{ filter: string }>('openemr.explorer.searchPatients', { serverId, query: lastName });
    assert.equal(result.filter, `lname=${lastName}`);
    const filtered = await rows(patients.node);
    assert.ok(filtered.length >= 1 && filtered.every((r) => r.label.startsWith(lastName)));
    assert.match(String(api.view.description), new RegExp(`lname=${lastName}`));
    assert.match(String((await api.provider.getTreeItem(patients.node)).description), /filter: lname=/);
    const dob = String(someone.item.description).slice(0, 10);
    await executeCommand('openemr.explorer.searchPatients', { serverId, query: dob });
    const byDob = await rows(patients.node);
    assert.ok(byDob.some((r) => r.node.id === someone.node.id) && byDob.every((r) => String(r.item.description).startsWith(dob)));
    const byField = await executeCommand<{ filter: string }>('openemr.explorer.searchPatients', {
      serverId,
      query: 'sex=Female',
    });
    assert.equal(byField.filter, 'sex=Female');
    const women = await rows(patients.node);
    assert.ok(
      women.length > 1 && women.every((r) => r.item.contextValue === 'loadMore' || String(r.item.description).endsWith('Female')),
    );
    const filteredItem = await api.provider.getTreeItem(patients.node);
    assert.deepEqual(
      menu(filteredItem.contextValue, true),
      ['searchPatients', 'clearSearch', 'refresh'],
      'the clear action on the filtered list',
    );
    await executeCommand('openemr.explorer.clearSearch', { serverId });
    assert.equal(api.view.description, undefined);
    assert.deepEqual(menu((await api.provider.getTreeItem(patients.node)).contextValue, true), ['searchPatients', 'refresh']);
    assert.equal((await rows(patients.node)).length, 21);
  });

  it('shows groups the scopes cannot read as disabled with the missing scope, or hides them', async () => {
    let server = await serverRow(serverId);
    const drugs = await find(server.node, 'Drugs');
    assert.equal(drugs.item.contextValue, 'group.disabled');
    assert.equal(drugs.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.match(String(drugs.item.tooltip), /user\/drug\.read/);
    await setting('unreadableGroups', 'hide');
    server = await serverRow(serverId);
    const labels = (await rows(server.node)).map((r) => r.label);
    assert.ok(!labels.includes('Drugs') && !labels.includes('Users') && labels.includes('Practitioners'));
    await setting('unreadableGroups', 'disable');
  });

  it('turns a failed load into an error node with Retry, keeps the rest of the tree, and retries that node only', async () => {
    const server = await serverRow(serverId);
    const patients = await find(server.node, 'Patients');
    const before = await rows(patients.node);
    await simControl('tokens/revoke');
    await executeCommand('openemr.explorer.refresh', patients.node);
    const failed = await rows(patients.node);
    assert.equal(failed[0]!.item.contextValue, 'error');
    assert.equal(failed[0]!.item.command?.command, 'openemr.explorer.retry');
    assert.ok(
      failed.length > 1 && failed.slice(1).every((r) => r.item.contextValue === 'patient' || r.item.contextValue === 'loadMore'),
      'the loaded rows stay',
    );
    assert.ok((await rows(server.node)).length > 0, 'the server still lists its groups');
    assert.deepEqual(menu(failed[0]!.item.contextValue, true), ['fixError', 'retry']);
    // The fix of a revoked token is Sign In: the row's wrench starts it (its first prompt is dismissed here).
    const fixing = executeCommand<{ ran: string }>('openemr.explorer.fixError', failed[0]!.node);
    let settled = false;
    void fixing.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 40 && !settled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.deepEqual(await fixing, { ran: 'Sign In' });
    const errored = await serverRow(serverId, /^error$/);
    assert.equal(errored.item.contextValue, 'server.error');
    assert.match(String(errored.item.tooltip), /could not be refreshed/);
    assert.deepEqual(menu(errored.item.contextValue, true), ['signIn', 'refresh', 'diagnose', 'removeServer']);
    await executeCommand('openemr.login', { serverId, grant: 'password', scopes: READ_SCOPES, ...ADMIN_LOGIN });
    await executeCommand('openemr.explorer.retry', failed[0]!.node);
    const retried = await rows(patients.node);
    assert.ok(retried.every((r) => r.item.contextValue !== 'error'));
    assert.deepEqual(
      retried.map((r) => r.label),
      before.map((r) => r.label),
    );
    assert.deepEqual(
      retried.map((r) => r.node.id),
      before.map((r) => r.node.id),
      'stable ids: VS Code keeps what was expanded',
    );
  });

  it('never empties the tree on a network failure: the other server stays, the unreachable lists show an error with Retry', async () => {
    const sim = new URL(simUrl());
    const relay = new Relay(sim.hostname, Number(sim.port));
    await relay.restore();
    const offlineId = await signedInServer('Explorer behind a relay', READ_SCOPES, ADMIN_LOGIN, relay.url);
    const isError = (r: Row | undefined): boolean =>
      r?.item.contextValue === 'error' && r.item.command?.command === 'openemr.explorer.retry';
    try {
      const adminPatientIds = async (): Promise<string[]> =>
        (await rows((await find((await serverRow(serverId)).node, 'Patients')).node)).map((r) => r.node.id);
      const adminBefore = await adminPatientIds();
      let offline = await serverRow(offlineId);
      const patients = await find(offline.node, 'Patients');
      const before = await rows(patients.node);
      assert.ok(before.length > 1 && !before.some(isError));
      const organizations = await find((await find(offline.node, 'FHIR')).node, 'Organization');

      await relay.cut();
      await executeCommand('openemr.explorer.refresh', patients.node);
      const failed = await rows(patients.node);
      assert.ok(isError(failed[0]), `an error row first: ${failed[0]?.label}`);
      assert.equal(failed[0]!.label, 'The server could not be reached.');
      const patientIds = (list: Row[]): string[] => list.filter((r) => r.item.contextValue === 'patient').map((r) => r.node.id);
      assert.deepEqual(
        failed.slice(1).map((r) => r.node.id),
        patientIds(before),
        'the patients loaded before stay (Load more waits for the retry)',
      );
      const neverLoaded = await rows(organizations.node);
      assert.equal(neverLoaded.length, 1);
      assert.ok(isError(neverLoaded[0]), 'a list that never loaded shows the error alone');

      // A refresh of everything rebuilds both servers: the reachable one loads as before, the other keeps its groups.
      await executeCommand('openemr.explorer.refresh');
      assert.deepEqual(
        (await rows()).map((r) => r.node.id).filter((id) => [`server:${serverId}`, `server:${offlineId}`].includes(id)),
        [`server:${serverId}`, `server:${offlineId}`],
      );
      assert.deepEqual(await adminPatientIds(), adminBefore, 'the other server is untouched');
      offline = await serverRow(offlineId);
      const groups = (await rows(offline.node)).map((r) => r.label);
      for (const label of ['Patients', 'Practitioners', 'FHIR'])
        assert.ok(groups.includes(label), `${label} stays under the unreachable server`);
      const offlinePatients = await find(offline.node, 'Patients');
      const errorRows = await rows(offlinePatients.node);
      assert.equal(errorRows.length, 1);
      assert.ok(isError(errorRows[0]));

      await relay.restore();
      await executeCommand('openemr.explorer.retry', errorRows[0]!.node);
      const retried = await rows(offlinePatients.node);
      assert.ok(!retried.some(isError));
      assert.deepEqual(
        retried.map((r) => r.node.id),
        before.map((r) => r.node.id),
      );
    } finally {
      await relay.cut();
      await executeCommand('openemr.removeServer', { serverId: offlineId });
    }
  });

  it('re-fetches only the refreshed node', async () => {
    const server = await serverRow(serverId);
    const patient = (await rows((await find(server.node, 'Patients')).node))[0]!;
    const encounters = await find((await find(patient.node, 'Standard API')).node, 'Encounters');
    const loaded = await rows(encounters.node);
    const before = await simRequests();
    await executeCommand('openemr.explorer.refresh', encounters.node);
    const again = await rows(encounters.node);
    // the counters call itself is one request too
    assert.equal((await simRequests()) - before, 2, 'one GET for the refreshed group, nothing else');
    assert.deepEqual(
      again.map((r) => r.node.id),
      loaded.map((r) => r.node.id),
    );
  });

  it('hands VS Code the same rows after a refresh or Load more of their list, so what is loaded below them stays', async () => {
    const server = await serverRow(serverId);
    const patients = await find(server.node, 'Patients');
    const patient = (await rows(patients.node))[0]!;
    const encountersOf = async (row: Row): Promise<Row> => find((await find(row.node, 'Standard API')).node, 'Encounters');
    const encounters = await encountersOf(patient);
    await rows(encounters.node);
    const before = await simRequests();
    // VS Code asks again for the children of a redrawn list and of every expanded row below it, as here.
    await executeCommand('openemr.explorer.refresh', patients.node);
    const refreshed = await rows(patients.node);
    await executeCommand('openemr.explorer.loadMore', refreshed.at(-1)!.node);
    const more = await rows(patients.node);
    assert.ok(more.length > refreshed.length);
    assert.equal(more[0]!.node, patient.node, 'the same patient node');
    const again = await encountersOf(more[0]!);
    assert.equal(again.node, encounters.node, 'the same Encounters node');
    assert.match(String(again.item.description), /^\d+\+?$/, 'still counted');
    await rows(again.node);
    assert.equal(
      (await simRequests()) - before,
      3,
      'the first page again, the next page, and the counters call: the encounters stay loaded',
    );
  });

  it('lists documents by category and downloads one into an editor', async () => {
    const server = await serverRow(serverId);
    const patient = (await rows((await find(server.node, 'Patients')).node))[0]!;
    const documents = await find((await find(patient.node, 'Standard API')).node, 'Documents');
    const categories = await rows(documents.node);
    assert.deepEqual(
      categories.map((c) => c.label),
      ['Lab Report', 'Medical Record', 'Patient Information', 'Advance Directive'],
    );
    const files = (await Promise.all(categories.map((c) => rows(c.node))))
      .flat()
      .filter((r) => r.item.contextValue === 'leaf.document');
    assert.equal(files.length, 1, 'the simulator gives each patient one document');
    assert.equal(files[0]!.item.command?.command, 'openemr.explorer.openDocument');
    assert.deepEqual(menu(files[0]!.item.contextValue, true), ['openDocument']);
    assert.ok(menu(files[0]!.item.contextValue, false).includes('openDocument'));
    const { uri } = await executeCommand<{ uri: string }>('openemr.explorer.openDocument', files[0]!.node);
    assert.ok(uri.endsWith(files[0]!.label), uri);
    const editor = await waitFor(
      () => vscode.window.activeTextEditor?.document.uri.toString() === uri && vscode.window.activeTextEditor,
      10_000,
      'the downloaded document',
    );
    assert.match(editor.document.getText(), /Visit summary/);
    await closeAllEditors();
  });

  it('offers Copy ID, Copy as cURL without the token, Open JSON and Open Raw on a leaf', async () => {
    const server = await serverRow(serverId);
    const patient = (await rows((await find(server.node, 'Patients')).node))[0]!;
    const problems = await find((await find(patient.node, 'Standard API')).node, 'Medical Problems');
    const leaf = (await rows(problems.node))[0]!;
    assert.equal(leaf.item.contextValue, 'leaf.edit.delete', 'a medical problem can be opened, edited and deleted');
    const { id } = await executeCommand<{ id: string }>('openemr.explorer.copyId', leaf.node);
    assert.equal(await vscode.env.clipboard.readText(), id);
    const { curl } = await executeCommand<{ curl: string }>('openemr.explorer.copyCurl', leaf.node);
    assert.ok(curl.includes('$OPENEMR_TOKEN') && curl.includes(`/medical_problem/${id}`));
    assert.ok(!/Bearer [A-Za-z0-9_-]{20,}/.test(curl), 'no token in the cURL');
    assert.deepEqual(menu(leaf.item.contextValue, false), [
      'open',
      'openRaw',
      'copyId',
      'copyCurl',
      'refresh',
      'copySnippet',
      'editRecord',
      'deleteRecord',
    ]);
    const before = await simRequests();
    assert.deepEqual(await executeCommand('openemr.explorer.refresh', leaf.node), { refreshed: leaf.node.id });
    assert.equal((await simRequests()) - before, 2, 'one GET for the record, and the counters call');
    const opened = await executeCommand<{ path: string }>('openemr.explorer.open', leaf.node);
    assert.match(opened.path, new RegExp(`/api/patient/[^/]+/medical_problem/${id}$`));
    await executeCommand('openemr.explorer.openRaw', leaf.node);
    const editor = await waitFor(
      () => vscode.window.activeTextEditor?.document.languageId === 'json' && vscode.window.activeTextEditor,
      10_000,
      'raw JSON editor',
    );
    assert.ok(editor.document.getText().includes(id));
    await closeAllEditors();
  });

  it('shows a patient token only its own record, with the portal and FHIR groups', async () => {
    // The simulator gives portal logins to its first patients: username = first name + pid (lower case), password "pass".
    const admin = await serverRow(serverId);
    const patients = await find(admin.node, 'Patients');
    const firstPatient = await waitFor(
      async () => {
        const all = await rows(patients.node);
        const hit = all.find((r) => /\npid 1\n/.test(String(r.item.tooltip)));
        if (!hit && all.at(-1)?.item.contextValue === 'loadMore')
          await executeCommand('openemr.explorer.loadMore', all.at(-1)!.node);
        return hit;
      },
      30_000,
      'the patient with pid 1',
    );
    // The document openRaw made, by its uri and content: an untitled uri can still name the previous test's
    // closed document for a moment.
    const { uri } = await executeCommand<{ uri: string }>('openemr.explorer.openRaw', firstPatient.node);
    const record = await waitFor(
      () => {
        const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri && !d.isClosed)?.getText();
        const parsed = text
          ? (JSON.parse(text) as { fname: string; pid: string | number; email: string; uuid: string })
          : undefined;
        return parsed && String(parsed.pid) === '1' ? parsed : undefined;
      },
      10_000,
      'the raw JSON of the patient with pid 1',
    );
    await closeAllEditors();
    const who = { username: `${record.fname}${record.pid}`.toLowerCase(), email: record.email, uuid: record.uuid };
    const patientServer = await signedInServer('Explorer patient', PATIENT_SCOPES, {
      userRole: 'patient',
      username: who.username,
      password: 'pass',
      email: who.email,
    });
    const server = await serverRow(patientServer);
    const mine = await find(server.node, 'My Record');
    const records = await rows(mine.node);
    assert.equal(records.length, 1);
    assert.match(String(records[0]!.item.tooltip), new RegExp(`uuid ${who.uuid}`));
    assert.deepEqual(
      (await rows(records[0]!.node)).map((r) => r.label),
      ['Portal API', 'FHIR'],
    );
    const portalEncounters = await rows((await find((await find(records[0]!.node, 'Portal API')).node, 'Encounters')).node);
    assert.ok(portalEncounters.length >= 1 && portalEncounters.every((r) => r.item.contextValue === 'leaf'));
    await executeCommand('openemr.removeServer', { serverId: patientServer });
  });
});
