import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dialog, FrameLocator } from 'playwright-core';
import { simAccessToken, simGet, storeHostilePatients, xssCorpus } from '../unit/viewer/fixtures/simPatients';
import { page, runCommand, screenshot, simUrl, waitFor, webviewFrame } from './fixture';
import { openInViewer } from './viewerSupport';
import { addServerAndSignIn, expandRow, firstChildRow, pickIfAsked, removeServerThroughUi, serverTreeRow } from './servers';

/** Scrolls the virtual tree from top to bottom and returns every row's rendered text, in order. */
function allRowTexts(frame: FrameLocator): Promise<string[]> {
  return frame.locator('.vlist.tree').evaluate(async (tree) => {
    const texts = new Map<number, string>();
    const frameDone = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    tree.scrollTop = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      await frameDone();
      for (const row of tree.querySelectorAll<HTMLElement>('.vrow:not([hidden])'))
        texts.set(Number(row.dataset.index), row.textContent ?? '');
      if (tree.scrollTop + tree.clientHeight >= tree.scrollHeight - 1) break;
      tree.scrollTop += Math.max(1, tree.clientHeight - 44);
    }
    return [...texts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  });
}

function countMatches(value: unknown, needle: string): number {
  const hit = (s: string): number => (s.toLowerCase().includes(needle) ? 1 : 0);
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countMatches(v, needle), 0);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).reduce<number>((n, [k, v]) => n + hit(k) + countMatches(v, needle), 0);
  }
  return hit(String(value));
}

/** What "Copy" put on the clipboard: the workbench writes it through the browser's clipboard. */
async function copied(click: () => Promise<void>): Promise<string> {
  await page()
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page().url()).origin });
  await page().evaluate(() => navigator.clipboard.writeText('(nothing copied)'));
  await click();
  return waitFor(
    async () => {
      const text = await page().evaluate(() => navigator.clipboard.readText());
      return text !== '(nothing copied)' && text;
    },
    10_000,
    'the copied text',
  );
}

const visibleRows = (frame: FrameLocator) => frame.locator('.vlist.tree .vrow:not([hidden])');
const selectedIndex = (frame: FrameLocator) => frame.locator('.vlist.tree .vrow.selected').getAttribute('data-index');

describe('viewer (UI)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'viewer-e2e-'));
  let token = '';

  before(async () => {
    token = await simAccessToken(simUrl());
  });

  it('shows every hostile string of the XSS corpus as text, and creates no element from it', async () => {
    const dialogs: string[] = [];
    const onDialog = (d: Dialog): void => {
      dialogs.push(d.message());
      void d.dismiss();
    };
    page().on('dialog', onDialog);
    const list = await storeHostilePatients(simUrl(), token, `XssUi${Date.now()}`);
    const file = path.join(dir, 'hostile-patients.json');
    writeFileSync(file, list.text);
    const frame = await openInViewer(file);
    const rows = await allRowTexts(frame);
    for (const hostile of xssCorpus) {
      assert.ok(rows.includes(`fname: "${hostile}"`), `the row for ${JSON.stringify(hostile)} shows it verbatim`);
    }
    const injected = await frame
      .locator('#app')
      .evaluate(
        (app) =>
          app.querySelectorAll('img, iframe, script, svg, object, embed, form, style, base, meta, link, a, math, body, textarea')
            .length,
      );
    assert.equal(injected, 0, 'no element was created from data');
    await page().waitForTimeout(500);
    page().off('dialog', onDialog);
    assert.deepEqual(dialogs, [], 'no script ran');

    // Search runs over the model: its count equals an independent count over the same document.
    const expected = countMatches(JSON.parse(list.text), 'onerror');
    await frame.locator('.search-input').fill('onerror');
    await frame.locator('.search-input').press('Enter');
    const count = await waitFor(
      async () => {
        const text = await frame.locator('.match-count').textContent();
        return text !== null && / of \d+$/.test(text) ? text : undefined;
      },
      15_000,
      'the match count',
    );
    assert.match(count, new RegExp(` of ${expected}$`));
    await screenshot('viewer-xss-corpus');
  });

  it('a FHIR Patient opens with its summary card', async () => {
    const bundle = await simGet(simUrl(), token, '/fhir/Patient?_count=1');
    const first = (JSON.parse(bundle.text) as { entry: Array<{ resource: { id: string } }> }).entry[0].resource;
    const answer = await simGet(simUrl(), token, `/fhir/Patient/${first.id}`);
    assert.equal(answer.request.status, 200);
    const file = path.join(dir, 'patient.json');
    writeFileSync(file, answer.text);
    const frame = await openInViewer(file);
    await frame.locator('.card').waitFor();
    assert.equal(await frame.locator('.card-type').textContent(), 'Patient');
    const labels = await frame.locator('.card dt').allTextContents();
    for (const label of ['DOB', 'Sex']) assert.ok(labels.includes(label), `the card shows ${label}`);
    // Keyboard: End selects the last row, Home the first.
    await frame.locator('.vlist.tree').focus();
    await page().keyboard.press('End');
    await page().keyboard.press('Home');
    assert.equal(await frame.locator('.vrow.selected').getAttribute('data-index'), '0');
    // Copy key path, FHIRPath-style, of a clicked row.
    await frame.locator('select.level').selectOption('1'); // every top-level key in view
    await frame.locator('.vlist.tree .vrow', { hasText: /^birthDate: / }).click();
    assert.equal(
      await copied(() => frame.getByRole('button', { name: 'Copy the FHIRPath-style path of the selected row' }).click()),
      'Patient.birthDate',
    );
    await screenshot('viewer-patient');
  });

  it('a FHIR Bundle opens with its entry table above the tree', async () => {
    const answer = await simGet(simUrl(), token, '/fhir/Patient?_count=20');
    assert.equal(answer.request.status, 200);
    const total = (JSON.parse(answer.text) as { entry: unknown[] }).entry.length;
    const file = path.join(dir, 'bundle.json');
    writeFileSync(file, answer.text);
    const frame = await openInViewer(file);
    await frame.locator('.bundle').waitFor();
    assert.equal(await frame.locator('.bundle h2').textContent(), `Bundle: ${total} ${total === 1 ? 'entry' : 'entries'}`);
    const firstType = await frame.locator('.bundle-list .bundle-row .col-type').first().textContent();
    assert.equal(firstType, 'Patient');
    await screenshot('viewer-bundle');
  });

  it('envelope errors above the data; levels, keyboard, copy, search next/previous, raw view and wrap; reloads when shown again', async () => {
    const doc = {
      validationErrors: { fname: 'is required', DOB: ['must be a date'] },
      internalErrors: ['database unavailable'],
      data: [
        { fname: 'Ann', lname: 'Lee', tags: ['alpha', 'beta'] },
        { fname: 'Bob', lname: 'Lee', tags: ['alpha'] },
        { fname: 'Cy', lname: 'Alpha', note: 'word '.repeat(400) },
      ],
    };
    const file = path.join(dir, 'envelope.json');
    writeFileSync(file, JSON.stringify(doc));
    const frame = await openInViewer(file);

    // The envelope's errors, listed above the tree.
    assert.deepEqual(await frame.locator('.envelope-errors li').allTextContents(), [
      'fname: is required',
      'DOB: must be a date',
      'database unavailable',
    ]);
    assert.equal(await frame.locator('.envelope-errors h2').first().textContent(), 'Validation errors (2)');
    const errorsFirst = await frame.locator('.envelope-errors').evaluate((box) => {
      const tree = box.ownerDocument.querySelector('.vlist.tree');
      return tree !== null && (box.compareDocumentPosition(tree) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    assert.equal(errorsFirst, true, 'the errors come before the data');

    // Expand to a level.
    await frame.locator('select.level').selectOption('0');
    await waitFor(async () => (await visibleRows(frame).count()) === 1, 5_000, 'collapse all');
    await frame.locator('select.level').selectOption('1');
    await waitFor(async () => (await visibleRows(frame).count()) === 4, 5_000, 'level 1');
    assert.deepEqual(await visibleRows(frame).allTextContents(), [
      '▾{3 keys}',
      '▸validationErrors: {2 keys}',
      '▸internalErrors: [1 item]',
      '▸data: [3 items]',
    ]);

    // Keyboard: down to data, Right opens it, Right steps in, Left steps out, Left closes.
    await frame.locator('.vlist.tree').focus();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown']) await page().keyboard.press(key);
    assert.equal(await selectedIndex(frame), '3');
    await page().keyboard.press('ArrowRight');
    assert.equal(await frame.locator('.vrow[data-index="3"]').getAttribute('aria-expanded'), 'true');
    assert.equal(await visibleRows(frame).count(), 7);
    await page().keyboard.press('ArrowRight');
    assert.equal(await selectedIndex(frame), '4');
    await page().keyboard.press('ArrowLeft');
    assert.equal(await selectedIndex(frame), '3');
    await page().keyboard.press('ArrowLeft');
    assert.equal(await frame.locator('.vrow[data-index="3"]').getAttribute('aria-expanded'), 'false');
    assert.equal(await visibleRows(frame).count(), 4);

    // Copy value and JSONPath of the selected row; FHIRPath only for FHIR documents.
    assert.equal(
      await copied(() => frame.getByRole('button', { name: 'Copy the JSONPath of the selected row' }).click()),
      '$.data',
    );
    await frame.locator('.vlist.tree').focus();
    for (const key of ['ArrowRight', 'ArrowDown', 'ArrowRight', 'ArrowDown']) await page().keyboard.press(key);
    assert.equal(await frame.locator('.vrow.selected').textContent(), 'fname: "Ann"');
    assert.equal(await copied(() => frame.getByRole('button', { name: 'Copy the selected value' }).click()), 'Ann');
    assert.equal(
      await copied(() => frame.getByRole('button', { name: 'Copy the JSONPath of the selected row' }).click()),
      '$.data[0].fname',
    );
    assert.equal(
      await frame.getByRole('button', { name: 'Copy the FHIRPath-style path of the selected row' }).isDisabled(),
      true,
    );

    // Search: count, next and previous (wrapping), regex.
    const search = frame.locator('.search-input');
    const count = frame.locator('.match-count');
    const current = frame.locator('.vlist.tree .vrow.current-match');
    await search.fill('alpha');
    await waitFor(async () => (await count.textContent()) === '1 of 3', 10_000, 'the first of 3 matches');
    assert.equal(await current.textContent(), '0: "alpha"');
    await search.press('Enter');
    await waitFor(async () => (await count.textContent()) === '2 of 3', 5_000, 'the next match');
    await search.press('Shift+Enter');
    await search.press('Shift+Enter');
    await waitFor(async () => (await count.textContent()) === '3 of 3', 5_000, 'previous wraps to the last match');
    assert.equal(await current.textContent(), 'lname: "Alpha"');
    await search.fill('^al.ha$');
    await waitFor(async () => (await count.textContent()) === 'No results', 5_000, 'no literal match');
    await frame.locator('.regex input').check();
    await waitFor(async () => (await count.textContent()) === '1 of 3', 5_000, 'three regex matches');
    await search.fill('(');
    await waitFor(async () => (await count.textContent()) === 'invalid regex', 5_000, 'an invalid regex said so');

    // Raw view, then word wrap: the long note no longer overflows.
    await frame.getByRole('button', { name: 'Show the raw JSON text' }).click();
    const raw = frame.locator('pre.raw');
    assert.equal(await raw.textContent(), JSON.stringify(doc, null, 2));
    assert.equal(await frame.locator('.vlist.tree').count(), 0, 'the raw text replaces the tree');
    const overflows = (): Promise<boolean> => raw.evaluate((pre) => pre.scrollWidth > pre.clientWidth + 1);
    assert.equal(await overflows(), true);
    await frame.getByRole('button', { name: 'Word wrap (raw view and details)' }).click();
    assert.equal(await overflows(), false);
    await frame.getByRole('button', { name: 'Show the raw JSON text' }).click();
    await visibleRows(frame).first().waitFor();

    // Hidden and shown again, the page is rebuilt (no retainContextWhenHidden) and shows the document again.
    await frame.locator('#app').evaluate((app) => app.setAttribute('data-marker', 'before'));
    const viewerTab = page().locator('.tabs-container .tab.active');
    const tabIndex = await viewerTab.evaluate((tab) => [...tab.parentElement!.children].indexOf(tab));
    await runCommand('File: New Untitled Text File');
    await page().locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
    await page().locator('.tabs-container .tab').nth(tabIndex).click();
    await waitFor(
      async () =>
        (await frame
          .locator('.envelope-errors li')
          .count()
          .catch(() => 0)) === 3,
      30_000,
      'the viewer drawn again',
    );
    assert.equal(await frame.locator('#app').getAttribute('data-marker'), null, 'a fresh page, not a retained one');
  });

  it('comes back after a window reload (a large document, kept in global storage)', async () => {
    // Above 256 KB a document is not kept in webview state: repeat a page of patients to get there.
    const page1 = JSON.parse((await simGet(simUrl(), token, '/fhir/Patient?_count=50')).text) as { entry: unknown[] };
    const text = JSON.stringify({ ...page1, entry: Array.from({ length: 8 }, () => page1.entry).flat() });
    assert.ok(text.length > 256 * 1024, `big enough to be stored as a file (${text.length} bytes)`);
    const total = page1.entry.length * 8;
    const file = path.join(dir, 'large-bundle.json');
    writeFileSync(file, text);
    await openInViewer(file);
    // VS Code's own reload flushes the workbench state first (a bare page reload may lose it).
    const reloaded = page().waitForEvent('load', { timeout: 90_000 });
    await runCommand('Developer: Reload Window');
    await reloaded;
    await page().locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const frame = webviewFrame();
    await frame.locator('.bundle h2').waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('.bundle h2').textContent(), `Bundle: ${total} entries`);
    assert.ok((await frame.locator('.vlist.tree .vrow').count()) > 5);
  });
});

describe('viewer links (UI)', function () {
  this.timeout(300_000);
  const SERVER = 'Viewer E2E';
  let patientLabel = '';

  before(async () => {
    await runCommand('View: Close All Editors');
    await addServerAndSignIn(SERVER, 'viewer e2e client');
  });

  after(() => removeServerThroughUi(SERVER));

  /** Clicks the first Condition of the first patient in the Servers tree: the explorer opens it with `{ serverId, path }`. */
  async function openFirstCondition(): Promise<FrameLocator> {
    await expandRow(SERVER);
    await expandRow('Patients', { counted: true });
    const patient = /^[^\n,]+, [^\n]+\n?.*\d{4}-\d{2}-\d{2} · /;
    await waitFor(async () => (await serverTreeRow(patient).count()) > 0, 30_000, 'the first page of patients');
    patientLabel = await serverTreeRow(patient).locator('.label-name').innerText();
    await expandRow(patient);
    await expandRow(/^FHIR$/);
    await expandRow(/^Condition/, { counted: true });
    await (await firstChildRow(serverTreeRow(/^Condition/))).click();
    const frame = webviewFrame();
    await waitFor(
      async () =>
        (await frame
          .locator('.card-type')
          .textContent({ timeout: 2_000 })
          .catch(() => null)) === 'Condition',
      30_000,
      'the Condition in the viewer',
    );
    return frame;
  }

  /**
   * The tree is virtual: only rows in view exist. Searching reveals the first match, whatever the panel's
   * height (other tests may have left the bottom panel open).
   */
  async function revealFirstMatch(frame: FrameLocator, text: string): Promise<void> {
    await frame.locator('.search-input').fill(text);
    await waitFor(
      async () => / of \d+$/.test((await frame.locator('.match-count').textContent()) ?? ''),
      15_000,
      `a match for ${text}`,
    );
  }

  it('follows a FHIR reference of a fetched Condition: the target Patient opens in a new panel', async () => {
    const condition = await openFirstCondition();
    await revealFirstMatch(condition, 'Patient/');
    const link = condition.locator('.value.link[data-reference^="Patient/"]').first();
    const reference = (await link.getAttribute('data-reference'))!;
    assert.match(reference, /^Patient\/[0-9a-f-]{36}$/);
    const tabsBefore = await page().locator('.tabs-container .tab').count();
    await link.click();

    // The tab is named like the tree's: "Patient: Last, First", not by the reference.
    await page()
      .locator('.tab.active', { hasText: /^Patient: \S/ })
      .waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await page().locator('.tab.active').innerText(), new RegExp(reference.split('/')[1]!));
    assert.equal(await page().locator('.tabs-container .tab').count(), tabsBefore + 1, 'a new panel, the Condition stays open');
    const patient = webviewFrame();
    await waitFor(
      async () =>
        (await patient
          .locator('.card-type')
          .textContent({ timeout: 2_000 })
          .catch(() => null)) === 'Patient',
      30_000,
      'the Patient in the new panel',
    );
    const [family, given] = patientLabel.split(', ');
    const card = (await patient.locator('.card').textContent()) ?? '';
    assert.ok(card.includes(family!) && card.includes(given!.split(' ')[0]!), `the card names ${patientLabel}: ${card}`);
    const rows = await patient.locator('.vlist.tree .vrow').allTextContents();
    assert.ok(rows.includes(`id: "${reference.slice('Patient/'.length)}"`), 'the tree shows the fetched Patient');
    // The header shows the request that fetched it.
    const header = patient.locator('.request-line');
    assert.equal(await header.locator('.method').textContent(), 'GET');
    assert.ok(
      (await header.locator('.url').textContent())?.endsWith(`/apis/default/fhir/${reference}`),
      'the URL of the reference',
    );
    assert.equal(await header.locator('.status').textContent(), '200');
    assert.match((await header.locator('.time').textContent()) ?? '', /^\d+ ms$/);
    assert.match((await header.locator('.size').textContent()) ?? '', /^\d+(\.\d)? (B|KB)$/);
    await screenshot('viewer-followed-reference');
  });

  it('asks before opening an http(s) link, and opens nothing when cancelled', async () => {
    const frame = webviewFrame();
    await revealFirstMatch(frame, 'http');
    const url = frame.locator('.vlist.tree .value.link[data-url^="http"]').first();
    const href = (await url.getAttribute('data-url'))!;
    const popups: string[] = [];
    const onPage = (opened: { url(): string }): void => void popups.push(opened.url());
    page().context().on('page', onPage);
    try {
      await url.click();
      const dialog = page().locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 15_000 });
      const question = `Open ${new URL(href).toString()} in your browser?`;
      assert.ok((await dialog.innerText()).includes(question), `the dialog asks "${question}"`);
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      // openExternal would open a browser tab (a new page of this context) within moments.
      await page().waitForTimeout(3_000);
      assert.deepEqual(popups, [], 'no external page was opened');
      assert.equal(await page().locator('.monaco-dialog-box').count(), 0, 'no second prompt followed');
    } finally {
      page().context().off('page', onPage);
    }
  });

  it("the setup doctor's raw answer opens in the viewer from the report's button", async () => {
    await runCommand('OpenEMR: Diagnose Setup');
    await pickIfAsked(SERVER);
    const offer = webviewFrame().locator('button', { hasText: 'Open Raw Answers' });
    await offer.waitFor({ timeout: 60_000 });
    await offer.click();
    await page().locator('.tab.active', { hasText: 'Setup doctor: GET' }).waitFor({ timeout: 30_000 });
    const frame = webviewFrame();
    const title = await waitFor(
      () =>
        frame
          .locator('h1.title')
          .textContent({ timeout: 2_000 })
          .then(
            (t) => t ?? undefined,
            () => undefined,
          ),
      30_000,
      'the raw answer in the viewer',
    );
    assert.match(title, /^Setup doctor: GET \/(api\/patient\?_limit=1|fhir\/Patient\?_count=1)$/);
    assert.equal(await frame.locator('.request-line .status').textContent(), '200');
    assert.ok((await visibleRows(frame).count()) > 3, 'the answer is drawn as a tree');
  });
});
