// The Servers tree in the UI: sign in through the commands' own prompts, expand a patient, take screenshots.
// The server is removed at the end, so the other UI tests find the view as they expect it.
import * as assert from 'node:assert/strict';
import { page, runCommand, screenshot, simUrl, viewPane, waitFor } from './fixture';
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

    // Rows are expanded the moment they appear, before any list has drawn its count: the count must come
    // without VS Code losing the rows it was handed (nodes/pagedNode.ts).
    await expandRow('Patients');
    const patient = /^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · (Male|Female)/;
    await waitFor(async () => (await serverTreeRow(patient).count()) > 0, 30_000, 'the first page of patients');
    const patientRow = serverTreeRow(patient);
    const label = (await patientRow.innerText()).split('\n')[0]!;
    await expandRow(patient);
    await expandRow('Standard API');
    await expandRow('Encounters');
    await waitFor(async () => (await serverTreeRow(/^\d{4}-\d{2}-\d{2} · /).count()) > 0, 30_000, 'the encounters');
    for (const list of ['Patients', 'Encounters']) {
      await waitFor(async () => /\d\+?\s*$/.test(await serverTreeRow(list).innerText()), 30_000, `${list} to show its count`);
    }
    const texts = await viewPane('Servers').locator('.monaco-list-row').allInnerTexts();
    assert.ok(
      texts.some((t) => t.startsWith(label)),
      `patient ${label} is listed`,
    );
    assert.ok(
      texts.some((t) => t.startsWith('FHIR')),
      'the patient has a FHIR section',
    );
    assert.ok(texts.some((t) => /^Load more/.test(t)) || texts.length > 20, 'patients come in pages');
    await screenshot('explorer-patient-expanded');
  });

  it('keeps the expanded rows expanded when the whole tree is refreshed, with a progress bar on the view while loading', async () => {
    const encounter = /^\d{4}-\d{2}-\d{2} · /;
    await serverTreeRow(encounter).waitFor();
    let polls = 0;
    /** The simulator's request count, less the polls of this count (each is a request too). */
    const requests = async (): Promise<number> =>
      ((await (await fetch(`${simUrl()}/__sim/counters`)).json()) as { requests: number }).requests - ++polls;
    // Records whether the side bar's progress bar (the one of the OpenEMR view container, which holds only
    // this view) turns on: a load takes milliseconds, so watch its class changes.
    await page()
      .locator('.part.sidebar')
      .evaluate((sidebar) => {
        const seen = window as unknown as { explorerProgressSeen?: boolean };
        seen.explorerProgressSeen = false;
        const active = (classes: string | null): boolean => (classes ?? '').split(/\s+/).includes('active');
        new MutationObserver((records) => {
          for (const r of records) {
            const target = r.target as Element;
            if (target.classList.contains('monaco-progress-container') && (active(r.oldValue) || active(target.className)))
              seen.explorerProgressSeen = true;
          }
        }).observe(sidebar, { subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
      });
    const before = await requests();
    await runCommand('OpenEMR: Refresh');
    // Every list is fetched anew: Patients, and the encounters only because VS Code still has them expanded.
    await waitFor(async () => (await requests()) - before >= 2, 30_000, 'the refreshed tree to load again');
    await waitFor(async () => (await serverTreeRow(encounter).count()) > 0, 30_000, 'the encounters, still expanded');
    for (const row of ['Patients', 'Standard API', 'Encounters']) {
      assert.equal(await serverTreeRow(row).getAttribute('aria-expanded'), 'true', `${row} stays expanded`);
    }
    assert.equal(
      await page().evaluate(() => (window as unknown as { explorerProgressSeen?: boolean }).explorerProgressSeen),
      true,
      'the view showed its progress bar while loading',
    );
  });
});
