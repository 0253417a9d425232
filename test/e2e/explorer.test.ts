// The Servers tree in the UI: sign in through the commands' own prompts, expand a patient, take screenshots.
// The server is removed at the end, so the other UI tests find the view as they expect it.
import * as assert from 'node:assert/strict';
import { screenshot, viewPane, waitFor } from './fixture';
import { addServerAndSignIn, expandRow, removeServerThroughUi, serverTreeRow } from './servers';

const SERVER = 'Explorer E2E';
const CLIENT = 'explorer e2e client';

describe('explorer (UI)', function () {
  this.timeout(300_000);

  after(() => removeServerThroughUi(SERVER));

  it('shows a signed-in server with an expanded patient', async () => {
    await addServerAndSignIn(SERVER, CLIENT);
    await expandRow(SERVER);
    await serverTreeRow('Patients').waitFor();
    await screenshot('explorer-server-signed-in');

    await expandRow('Patients', { counted: true });
    const patient = /^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · (Male|Female)/;
    await waitFor(async () => (await serverTreeRow(patient).count()) > 0, 30_000, 'the first page of patients');
    const patientRow = serverTreeRow(patient);
    const label = (await patientRow.innerText()).split('\n')[0]!;
    await expandRow(patient);
    await expandRow('Standard API');
    await expandRow('Encounters', { counted: true });
    await waitFor(async () => (await serverTreeRow(/^\d{4}-\d{2}-\d{2} · /).count()) > 0, 30_000, 'the encounters');
    const texts = await viewPane('Servers').locator('.monaco-list-row').allInnerTexts();
    assert.ok(texts.some((t) => t.startsWith(label)), `patient ${label} is listed`);
    assert.ok(texts.some((t) => t.startsWith('FHIR')), 'the patient has a FHIR section');
    assert.ok(texts.some((t) => /^Load more/.test(t)) || texts.length > 20, 'patients come in pages');
    await screenshot('explorer-patient-expanded');
  });
});
