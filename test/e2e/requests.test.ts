// The request runner through the UI: the route quick pick with a value from the tree selection, the answer
// in the viewer; a request file with CodeLens run from the Test Explorer (the README figure).
import * as assert from 'node:assert/strict';
import {
  answerInput,
  openActivity,
  page,
  pickItem,
  quickInput,
  runCommand,
  screenshot,
  viewPane,
  waitFor,
  webviewFrame,
} from './fixture';
import { addServerAndSignIn, expandRow, pickIfAsked, removeServerThroughUi, serverTreeRow } from './servers';

const SERVER = 'Requests E2E';
const CLIENT = 'requests e2e client';

describe('request runner (UI)', function () {
  this.timeout(300_000);

  after(() => removeServerThroughUi(SERVER));

  it('sends a route picked from the catalog with the selected patient, and shows the answer in the viewer', async () => {
    await addServerAndSignIn(SERVER, CLIENT);
    await expandRow(SERVER);
    await expandRow('Patients');
    const patient = /^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · (Male|Female)/;
    await waitFor(async () => (await serverTreeRow(patient).count()) > 0, 30_000, 'the first page of patients');
    await serverTreeRow(patient).first().click();

    await runCommand('OpenEMR: Send Request');
    await pickIfAsked(SERVER);
    const input = quickInput().locator('input');
    await input.fill('/api/patient/:puuid');
    const read = quickInput().locator('.monaco-list-row', { hasText: 'Patients: read' }).first();
    await read.waitFor();
    assert.match(await read.innerText(), /user\/patient\.r ✓|missing scope/);
    // A route the token cannot call is listed too, with the missing scope.
    await input.fill('POST /api/patient');
    const create = quickInput().locator('.monaco-list-row', { hasText: 'Patients: create' }).first();
    await create.waitFor();
    assert.match(await create.innerText(), /missing scope user\/patient\.c/);
    await screenshot('requests-route-pick');
    await input.fill('GET /api/patient/:puuid');
    await pickItem('Patients: read');

    // The path parameter offers the patient selected in the tree.
    const suggestion = quickInput().locator('.monaco-list-row', { hasText: 'selected patient' }).first();
    await suggestion.waitFor();
    const uuid = /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(await suggestion.innerText())?.[0] ?? '';
    assert.match(uuid, /^[0-9a-f-]{36}$/);
    await suggestion.click();
    await answerInput('');

    await page()
      .locator('.tab', { hasText: `GET /api/patient/${uuid}` })
      .first()
      .waitFor({ timeout: 30_000 });
    const header = webviewFrame().locator('body');
    await waitFor(async () => /200/.test(await header.innerText()), 30_000, 'the request line with its status');
    assert.match(await header.innerText(), new RegExp(uuid));
  });

  it('runs a request file from its CodeLens and shows the results in the Test Explorer', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('OpenEMR: New Request File');
    await pickIfAsked(SERVER);
    const lens = page().locator('.contentWidgets .codelens-decoration a', { hasText: 'Send All' }).first();
    await lens.waitFor({ timeout: 30_000 });
    await lens.click();
    await runCommand('Testing: Focus on Test Explorer View');
    const tests = viewPane('Test Explorer');
    await waitFor(async () => (await tests.locator('.monaco-list-row').count()) > 0, 30_000, 'the test items');
    // Expand the file's item so that each request shows with its result.
    const fileRow = tests.locator('.monaco-list-row', { hasText: '.openemr.http' }).first();
    await fileRow.waitFor({ timeout: 30_000 });
    if ((await fileRow.getAttribute('aria-expanded')) === 'false') await fileRow.click();
    await waitFor(
      async () => (await tests.locator('.monaco-list-row .codicon-testing-passed-icon').count()) >= 3,
      60_000,
      'three passed requests',
    );
    const rows = await tests.locator('.monaco-list-row').allInnerTexts();
    for (const name of ['patients', 'patient', 'metadata'])
      assert.ok(
        rows.some((r) => r.startsWith(`${name}GET`) || r.split('\n')[0] === name),
        `${name} in ${rows.join(' | ')}`,
      );
    await openActivity('OpenEMR');
    await runCommand('Testing: Focus on Test Explorer View');
    await screenshot('requests-file-tests');
  });
});
