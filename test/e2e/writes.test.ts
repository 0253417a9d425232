// Writing and exporting through the UI: Edit on a patient row, a change typed in the openemr: document,
// Ctrl+S, the diff modal, Save to OpenEMR; and a FHIR bulk export with its progress notification and summary.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerInput, notification, page, pickItem, quickInput, runCommand, screenshot, simUrl, waitFor } from './fixture';
import {
  addServerAndSignIn,
  collapseServers,
  enableClientAsAdmin,
  expandRow,
  pickIfAsked,
  removeServerThroughUi,
  serverTreeRow,
} from './servers';

async function sim(pathname: string, body: unknown): Promise<void> {
  const res = await fetch(`${simUrl()}/__sim/${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

describe('writes and export (UI)', function () {
  this.timeout(400_000);

  describe('edit a record', () => {
    const SERVER = 'Writes E2E';
    after(() => removeServerThroughUi(SERVER));

    it('Edit → a change → Ctrl+S → the diff modal → Save to OpenEMR → saved', async () => {
      await addServerAndSignIn(SERVER, 'writes e2e client', 'Read and write');
      await expandRow(SERVER);
      await expandRow('Patients', { counted: true });
      const patient = serverTreeRow(/^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · (Male|Female)/);
      await patient.click({ button: 'right' });
      const edit = page()
        .locator('.monaco-menu .action-label', { hasText: /^Edit$/ })
        .first();
      await edit.click();
      // A click that lands while the menu is still laying out only highlights the item: Enter runs it.
      await page().waitForTimeout(1_000);
      if (await edit.isVisible().catch(() => false)) await page().keyboard.press('Enter');
      const tab = page().locator('.tabs-container .tab.active', { hasText: '.json' });
      await tab.waitFor({ timeout: 30_000 });
      await page().locator('.monaco-editor .view-lines', { hasText: '"city"' }).first().waitFor({ timeout: 30_000 });

      await page().locator('.monaco-editor .view-lines').first().click();
      // Change the city through Replace (a regular expression), clicking the widget's buttons: keys typed
      // into a busy workbench can land before the widget has focus.
      await page().keyboard.press('Control+h');
      const find = page().locator('.editor-widget.find-widget.visible');
      await find.waitFor({ timeout: 15_000 });
      const regex = find.locator('.codicon-regex').first();
      if ((await regex.getAttribute('aria-checked')) !== 'true') await regex.click();
      await find.locator('.find-part textarea, .find-part input').first().fill('"city": "[^"]*"');
      await find.locator('.replace-part textarea, .replace-part input').first().fill('"city": "E2E Town"');
      await waitFor(async () => /1 of 1/.test(await find.innerText()), 15_000, 'the find widget to match the city');
      await find.locator('.codicon-find-replace-all').first().click();
      await find.locator('.codicon-widget-close').first().click();
      // A browser-based VS Code auto-saves after a second by default: that save asks with the same modal.
      // Ctrl+S only when no save has started on its own.
      const dialog = page().locator('.monaco-dialog-box');
      await waitFor(
        async () => (await dialog.count()) > 0 || (await page().locator('.tabs-container .tab.active.dirty').count()) === 1,
        10_000,
        'the change',
      );
      if ((await dialog.count()) === 0) await page().keyboard.press('Control+s');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /Save 1 change to OpenEMR \(PUT \/api\/patient\/[0-9a-f-]+\)\?/);
      assert.match(await dialog.innerText(), /city: .* → "E2E Town"/);
      await screenshot('writes-save-diff');
      await dialog.locator('.monaco-button', { hasText: 'Save to OpenEMR' }).click();
      await waitFor(
        async () => (await page().locator('.tabs-container .tab.active.dirty').count()) === 0,
        30_000,
        'the saved tab',
      );
      assert.equal(await notification(/refused|Failed to save/).count(), 0);
      await screenshot('writes-saved');
      await runCommand('View: Revert and Close Editor');
    });
  });

  describe('bulk export', () => {
    const SERVER = 'Export E2E';
    const folder = mkdtempSync(path.join(tmpdir(), 'openemr-e2e-export-'));
    before(() => sim('globals', { rest_system_scopes_api: 1 }));
    after(async () => {
      await sim('export', {});
      await sim('globals', { rest_system_scopes_api: 0 });
      rmSync(folder, { recursive: true, force: true });
      await removeServerThroughUi(SERVER);
    });

    it('shows the progress notification with the elapsed time and OpenEMR progress, then the summary', async () => {
      await runCommand('OpenEMR: Add Server');
      await answerInput(simUrl());
      await answerInput('default');
      await answerInput(SERVER);
      await collapseServers();
      await serverTreeRow(SERVER).waitFor({ timeout: 30_000 });
      await runCommand('OpenEMR: Register Client');
      await pickIfAsked(SERVER);
      await pickItem('Confidential (private)');
      await pickItem('Everything');
      await answerInput('export e2e client');
      await notification(/Check again|is enabled/)
        .first()
        .waitFor({ timeout: 30_000 });
      await enableClientAsAdmin('export e2e client');
      await runCommand('OpenEMR: Sign In');
      await pickIfAsked(SERVER);
      await pickItem('Backend service (client credentials)');
      await waitFor(async () => /signed in/.test(await serverTreeRow(SERVER).innerText()), 30_000, 'the backend sign-in');

      await sim('export', { polls: 8, retryAfter: 1 });
      await runCommand('OpenEMR: Export (FHIR Bulk Data)');
      await pickIfAsked(SERVER);
      await pickItem('System');
      // Each prompt by its placeholder: on a loaded machine a key sent before the next prompt is up is lost.
      const prompt = (placeholder: string) => quickInput().locator(`input[placeholder^="${placeholder}"]`);
      await prompt('Resource types').waitFor({ state: 'visible', timeout: 30_000 });
      await page().keyboard.press('Enter'); // no _type: every type
      await prompt('2026-01-01').waitFor({ state: 'visible', timeout: 30_000 });
      await answerInput('');
      await answerInput(folder);
      const toast = notification('OpenEMR bulk export from Export E2E').first();
      await toast.waitFor({ timeout: 30_000 });
      await waitFor(async () => /in-progress \([3-7]\/8\)/.test(await toast.innerText()), 30_000, 'progress from OpenEMR');
      assert.match(await toast.innerText(), /OpenEMR is preparing the files · 0:\d\d/);
      await screenshot('export-progress');
      await waitFor(async () => existsSync(path.join(folder, 'export-summary.md')), 60_000, 'the export to finish');
      assert.ok(existsSync(path.join(folder, 'Patient-1.ndjson')));
      assert.ok(existsSync(path.join(folder, 'export-manifest.json')));
      await page()
        .locator('.tabs-container .tab', { hasText: /export-summary/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await screenshot('export-summary');
    });
  });
});
