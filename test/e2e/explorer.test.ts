// The Servers tree in the UI: sign in through the commands' own prompts, expand a patient, take screenshots.
// The server is removed at the end, so the other UI tests find the view as they expect it.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { answerInput, notification, openActivity, page, pickItem, quickInput, runCommand, screenshot, simUrl, viewPane, waitFor } from './fixture';

const SERVER = 'Explorer E2E';
const CLIENT = 'explorer e2e client';

function row(text: string | RegExp): Locator {
  return viewPane('Servers').locator('.monaco-list-row', { hasText: text }).first();
}

/** Picks `label` when a quick pick offers it (the server picker only appears when several servers exist). */
async function pickIfAsked(label: string): Promise<void> {
  const item = quickInput().locator('.monaco-list-row', { hasText: label }).first();
  if (await item.waitFor({ timeout: 4_000 }).then(() => true, () => false)) await item.click();
}

/** Expands a tree row (a click toggles it) and waits until it is open. */
async function expand(text: string | RegExp): Promise<void> {
  const target = row(text);
  await target.waitFor();
  if ((await target.getAttribute('aria-expanded')) !== 'true') await target.click();
  await waitFor(async () => (await target.getAttribute('aria-expanded')) === 'true', 15_000, `${String(text)} to expand`);
}

async function enableClientAsAdmin(): Promise<void> {
  const clients = (await (await fetch(`${simUrl()}/__sim/clients`)).json()) as Array<{ client_id: string; client_name: string | null }>;
  const mine = clients.filter((c) => c.client_name === CLIENT).at(-1);
  assert.ok(mine, 'the client was registered');
  const res = await fetch(`${simUrl()}/__sim/clients/${encodeURIComponent(mine.client_id)}/enable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 200);
}

describe('explorer (UI)', function () {
  this.timeout(300_000);

  after(async () => {
    // Best effort: remove the server so later UI tests start from the welcome view.
    await page().keyboard.press('Escape');
    await runCommand('OpenEMR: Remove Server');
    await pickIfAsked(SERVER);
    const confirm = page().locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove' }).first();
    if (await confirm.waitFor({ timeout: 10_000 }).then(() => true, () => false)) await confirm.click();
  });

  it('shows a signed-in server with an expanded patient', async () => {
    await runCommand('OpenEMR: Add Server');
    await answerInput(simUrl());
    await answerInput('default');
    await answerInput(SERVER);
    // Add Server stores the profile and probes the server after the last prompt: wait for its row.
    await openActivity('OpenEMR');
    await row(SERVER).waitFor({ timeout: 30_000 });

    await runCommand('OpenEMR: Register Client');
    await pickIfAsked(SERVER);
    await pickItem('Confidential (private)');
    await pickItem('Read only');
    await answerInput(CLIENT);
    // The command stores the client, checks whether it is enabled and says so: only then is it ready.
    await notification(/Check again|is enabled/).first().waitFor({ timeout: 30_000 });
    await enableClientAsAdmin();

    await runCommand('OpenEMR: Sign In');
    await pickIfAsked(SERVER);
    await pickItem('Username and password');
    await pickItem('users');
    await answerInput('admin');
    await answerInput('pass');

    await waitFor(async () => /signed in/.test(await row(SERVER).innerText().catch(() => '')), 30_000, 'the server to show "signed in"');
    await expand(SERVER);
    await row('Patients').waitFor();
    await screenshot('explorer-server-signed-in');

    await expand('Patients');
    const patient = /^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · (Male|Female)/;
    await waitFor(async () => (await row(patient).count()) > 0, 30_000, 'the first page of patients');
    const patientRow = row(patient);
    const label = (await patientRow.innerText()).split('\n')[0]!;
    await expand(patient);
    await expand('Standard API');
    await expand('Encounters');
    await waitFor(async () => (await row(/^\d{4}-\d{2}-\d{2} · /).count()) > 0, 30_000, 'the encounters');
    const texts = await viewPane('Servers').locator('.monaco-list-row').allInnerTexts();
    assert.ok(texts.some((t) => t.startsWith(label)), `patient ${label} is listed`);
    assert.ok(texts.some((t) => t.startsWith('FHIR')), 'the patient has a FHIR section');
    assert.ok(texts.some((t) => /^Load more/.test(t)) || texts.length > 20, 'patients come in pages');
    await screenshot('explorer-patient-expanded');
  });
});
