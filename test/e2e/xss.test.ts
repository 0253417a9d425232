// The XSS corpus in the UI: every hostile string is stored through the simulator's API (patient names and
// addresses), then shown by the viewer (keys and values, the summary card, the Bundle table, the error
// header) and by the tree (labels and tooltips). No payload may run (each one that can counts itself in
// window.openemrXssRuns), the viewer's page may report no Content Security Policy violation, and the
// strings must show as text.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { XSS_CORPUS } from '../hostile/xss-corpus';
import { simAccessToken, simGet, storeHostilePatients } from '../unit/viewer/fixtures/simPatients';
import { answerInput, page, runCommand, screenshot, simUrl, viewPane, waitFor } from './fixture';
import { addServerAndSignIn, expandRow, pickIfAsked, removeServerThroughUi, serverTreeRow } from './servers';
import { openInViewer } from './viewerSupport';

const SERVER = 'XSS E2E';
const CLIENT = 'xss e2e client';
/** Sorts before every other patient, so the first page of the tree holds the whole corpus. */
const LNAME = `Aaaxss${Date.now() % 100000}`;
/** Elements a payload could create (the viewer makes none of these itself); elements with event handlers count too. */
const ELEMENTS =
  'img, iframe, script, svg, object, embed, form, style, base, meta, link, math, body, textarea, details, a[href^="javascript"]';

interface PageChecks {
  runs: number;
  cspViolations: number;
  injected: number;
  text: string;
}

async function checksOf(frame: FrameLocator): Promise<PageChecks> {
  return frame.locator('#app').evaluate((app, elements) => {
    const w = window as unknown as { openemrXssRuns?: number; openemrCspViolations?: string[] };
    return {
      runs: w.openemrXssRuns ?? 0,
      // -1: the listener is missing (the count would prove nothing).
      cspViolations: w.openemrCspViolations ? w.openemrCspViolations.length : -1,
      injected:
        app.querySelectorAll(elements).length +
        [...app.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      text: app.textContent ?? '',
    };
  }, ELEMENTS);
}

/** How many payloads show verbatim in `text` (the 100 KB one by its start and end). */
function shownVerbatim(text: string): number {
  return XSS_CORPUS.filter((p) => text.includes(p.length > 1000 ? p.slice(-200) : p)).length;
}

describe('XSS corpus (UI)', function () {
  this.timeout(600_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'openemr-xss-'));
  let token = '';
  let list = '';
  const totals = { documents: 0, runs: 0, cspViolations: 0, injected: 0 };

  before(async () => {
    token = await simAccessToken(simUrl());
    list = (await storeHostilePatients(simUrl(), token, LNAME, XSS_CORPUS)).text;
  });

  after(async () => {
    console.log(
      `      xss: ${XSS_CORPUS.length} payloads, ${totals.documents} viewer documents and the tree, ${totals.runs} script executions, ${totals.cspViolations} CSP violations, ${totals.injected} injected elements`,
    );
    await removeServerThroughUi(SERVER).catch(() => undefined);
  });

  it(`the viewer shows ${XSS_CORPUS.length} payloads as text in keys, values, the summary card, the Bundle table and the error header`, async () => {
    assert.ok(XSS_CORPUS.length >= 30);
    const bundle = (await simGet(simUrl(), token, `/fhir/Patient?name=${LNAME}&_count=100`)).text;
    const first = (JSON.parse(bundle) as { entry: Array<{ resource: unknown }> }).entry[0]!.resource;
    const documents: Record<string, string> = {
      'values (standard list)': list,
      keys: JSON.stringify(Object.fromEntries(XSS_CORPUS.map((p, i) => [p, { [p]: i }]))),
      'Bundle table': bundle,
      'summary card': JSON.stringify(first),
      'error header': JSON.stringify({
        validationErrors: Object.fromEntries(XSS_CORPUS.map((p, i) => [`field${i}`, { [p]: p }])),
        internalErrors: XSS_CORPUS,
        data: [],
      }),
    };
    for (const [name, json] of Object.entries(documents)) {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, json);
      const frame = await openInViewer(file);
      if (name === 'Bundle table') await frame.locator('.bundle').waitFor();
      if (name === 'summary card') await frame.locator('.card').waitFor();
      if (name === 'error header') await frame.locator('.envelope-errors').waitFor();
      await page().waitForTimeout(300);
      const checks = await checksOf(frame);
      totals.documents++;
      totals.runs += checks.runs;
      totals.cspViolations += Math.max(0, checks.cspViolations);
      totals.injected += checks.injected;
      assert.equal(checks.runs, 0, `${name}: no script ran`);
      assert.equal(checks.cspViolations, 0, `${name}: no CSP violation`);
      assert.equal(checks.injected, 0, `${name}: no element made from data`);
      assert.ok(shownVerbatim(checks.text) > 0, `${name}: payloads show as text`);
      if (name === 'error header')
        assert.equal(shownVerbatim(checks.text), XSS_CORPUS.length, 'every payload is in the error header');
      if (name === 'summary card') await screenshot('xss-summary-card');
    }
  });

  it('the tree shows the payloads as text in labels and tooltips', async () => {
    await addServerAndSignIn(SERVER, CLIENT);
    await expandRow(SERVER);
    await expandRow('Patients');
    // Only this run's patients: earlier runs stored the same corpus under other names.
    await runCommand('OpenEMR: Search Patients');
    await pickIfAsked(SERVER);
    await answerInput(LNAME);
    const rowsOf = (): Promise<string[]> => viewPane('Servers').locator('.monaco-list-row').allInnerTexts();
    await waitFor(async () => (await rowsOf()).some((t) => t.startsWith(LNAME)), 60_000, 'the hostile patients');
    // The tree draws only the rows that fit: scroll through the list and collect every row drawn on the way.
    const drawn = new Set<string>();
    const list = viewPane('Servers').locator('.monaco-list').first();
    await list.hover();
    for (let step = 0; step < 8; step++) {
      for (const text of await rowsOf()) drawn.add(text);
      await page().mouse.wheel(0, 300);
      await page().waitForTimeout(150);
    }
    await page().mouse.wheel(0, -100_000);
    const texts = [...drawn].filter((t) => t.startsWith(LNAME));
    const shown = XSS_CORPUS.filter((p) =>
      texts.some((t) => t.includes(p.slice(0, 40).replace(/\s+/g, ' ').trim().slice(0, 20))),
    );
    assert.ok(shown.length >= XSS_CORPUS.length - 5, `${shown.length} of ${XSS_CORPUS.length} labels show their payload`);

    // A tooltip: hover the first hostile row and read the hover as the user sees it.
    const row = serverTreeRow(new RegExp(`^${LNAME}, <img`)).first();
    await row.hover();
    const hover = page().locator('.monaco-hover, .workbench-hover').filter({ hasText: LNAME }).first();
    await hover.waitFor({ timeout: 15_000 });
    const inHover = await hover.evaluate(
      (el, elements) => ({ injected: el.querySelectorAll(elements).length, text: el.textContent ?? '' }),
      'img, iframe, script, svg, object, embed, form, style, base, meta, link, math, textarea, input, details',
    );
    assert.equal(inHover.injected, 0, 'no element made from data in the tooltip');
    assert.match(inHover.text, /<img/, 'the tooltip shows the payload as text');
    const runs = await page().evaluate(() => (window as unknown as { openemrXssRuns?: number }).openemrXssRuns ?? 0);
    totals.runs += runs;
    assert.equal(runs, 0, 'no script ran in the workbench');
    await screenshot('xss-tree');
  });
});
