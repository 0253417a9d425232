// Root-hook fixture of the e2e suite: one code-server (with the packaged extension installed by
// test/harness/e2e.ts) and one headless Chromium page for all test files, plus helpers to drive the UI.
import path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { freshDirs, startCodeServer, type CodeServer } from '../harness/code-server';
import { hostTools, outputDir } from '../harness/tools';
import { waitFor } from '../harness/wait';

export { waitFor };
export { simUrl } from '../harness/sim-url';

interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
}

let workbench: Workbench | undefined;

const UI_TIMEOUT_MS = 30_000;

let pageOverride: Page | undefined;

/** Points the helpers at another workbench's page (a test that starts its own code-server); undefined restores. */
export function useWorkbenchPage(other: Page | undefined): void {
  pageOverride = other;
}

/** The Playwright page showing the VS Code workbench. */
export function page(): Page {
  if (pageOverride) return pageOverride;
  if (!workbench) throw new Error('the e2e workbench is not running: run the suite with `npm run test:e2e`');
  return workbench.page;
}

/** The quick-input box (command palette, input boxes, quick picks). */
export function quickInput(): Locator {
  return page().locator('.quick-input-widget');
}

/** Runs a command by its palette title, e.g. "OpenEMR: Show Log". */
export async function runCommand(title: string): Promise<void> {
  const input = quickInput().locator('input');
  // The palette closes when something takes the focus while it opens (an editor or view the extension
  // reveals after a write): open it again, twice at most.
  for (let attempt = 1; ; attempt++) {
    await page().keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await pickRow(title).waitFor({ timeout: UI_TIMEOUT_MS });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await page().keyboard.press('Enter');
}

function pickRow(label: string): Locator {
  return quickInput().locator('.monaco-list-row', { hasText: label }).first();
}

/** Answers an input box (or the simple file dialog): types `text` and presses Enter. */
export async function answerInput(text: string): Promise<void> {
  const input = quickInput().locator('input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // Some prompts (the file dialog) put in their own value just after they open: type after that settles.
  await valueSettled(input);
  await input.fill(text);
  await waitFor(async () => (await input.inputValue()) === text, 5_000, `the prompt to hold "${text}"`);
  await valueSettled(input);
  await submitPrompt(input, text);
}

/**
 * Presses Enter once the prompt is not busy. A busy prompt (the file dialog resolving a path on a loaded
 * machine) drops that Enter: if the same prompt still holds the same text a moment later, press it again.
 */
async function submitPrompt(input: Locator, text: string): Promise<void> {
  const busy = quickInput().locator('.monaco-progress-container.active');
  const title = async (): Promise<string> =>
    (await quickInput()
      .locator('.quick-input-title')
      .textContent()
      .catch(() => null)) ?? '';
  for (let attempt = 0; attempt < 2; attempt++) {
    await waitFor(async () => (await busy.count()) === 0, 10_000, 'the prompt to stop working').catch(() => undefined);
    const before = await title();
    await page().keyboard.press('Enter');
    const moved = await waitFor(
      async () => !(await input.isVisible()) || (await input.inputValue()) !== text || (await title()) !== before,
      3_000,
    ).catch(() => false);
    if (moved) return;
  }
}

/** Resolves once the input's value stays the same for a few polls (at most ~3 s). */
async function valueSettled(input: Locator): Promise<void> {
  let last = await input.inputValue();
  for (let stable = 0, polls = 0; stable < 3 && polls < 30; polls++) {
    await page().waitForTimeout(100);
    const value = await input.inputValue();
    stable = value === last ? stable + 1 : 0;
    last = value;
  }
}

/** Picks the quick-pick item whose row contains `label`. */
export async function pickItem(label: string): Promise<void> {
  const row = pickRow(label);
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await row.click();
}

/** Clicks an activity-bar item (by its view container title) and waits for its side bar. */
export async function openActivity(title: string): Promise<void> {
  const item = page().locator(`.activitybar [aria-label^="${title}"]`).first();
  await item.waitFor({ timeout: UI_TIMEOUT_MS });
  const sidebar = page().locator('.part.sidebar');
  const shown = sidebar.locator('.composite.title', { hasText: title });
  // A click toggles the side bar: one that a freshly loaded window was about to show with this container would
  // close it again, so look after each click.
  for (let attempt = 1; !(await shown.isVisible().catch(() => false)); attempt++) {
    await item.click();
    const opened = await shown.waitFor({ timeout: attempt < 3 ? 5_000 : UI_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (!opened && attempt >= 3) throw new Error(`the ${title} side bar did not open`);
  }
  // The History view shares the side bar with the Servers tree: collapsed, it leaves the tree the height
  // the tests read rows in (the tree draws only the rows that fit).
  const history = sidebar.locator('.pane-header[aria-expanded="true"]', { hasText: /^History/ });
  if (title === 'OpenEMR' && (await history.count()) > 0) await history.first().click();
}

/** The side-bar view pane whose header reads `viewTitle` (e.g. "Servers"). */
export function viewPane(viewTitle: string): Locator {
  return page().locator('.part.sidebar .pane', { has: page().locator('.pane-header', { hasText: viewTitle }) });
}

/** Texts of the tree rows shown in a side-bar view. */
export function treeRows(viewTitle = 'Servers'): Promise<string[]> {
  return viewPane(viewTitle).locator('.monaco-list-row').allInnerTexts();
}

/** The content of the visible webview: it sits two iframes deep in the workbench (hidden panels may keep theirs). */
export function webviewFrame(): FrameLocator {
  return page().frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

/** A notification toast containing `text`. */
export function notification(text: string | RegExp): Locator {
  return page().locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Saves a screenshot to .test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(name: string): Promise<string> {
  const file = path.join(outputDir('screenshots'), `${name.replace(/[^\w.-]+/g, '-')}.png`);
  // Toasts and view transitions fade in.
  await page().waitForTimeout(800);
  await page().screenshot({ path: file });
  return file;
}

/** The code-server of the shared workbench. */
export function workbenchServer(): CodeServer {
  if (!workbench) throw new Error('the e2e workbench is not running: run the suite with `npm run test:e2e`');
  return workbench.server;
}

/** Waits until the workbench has loaded and shows the installed extension's activity-bar item. */
async function workbenchLoaded(on: Page): Promise<void> {
  await on.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The extension's activity-bar item proves the workbench has loaded the installed extension.
  await on.locator('.activitybar [aria-label^="OpenEMR"]').first().waitFor({ timeout: 90_000 });
}

/** Reloads the window, as *Developer: Reload Window* does: a new extension host, the same user data. */
export async function reloadWindow(): Promise<void> {
  await page().reload({ timeout: 180_000, waitUntil: 'domcontentloaded' });
  await workbenchLoaded(page());
}

async function startWorkbench(): Promise<Workbench> {
  const tools = await hostTools();
  const server = await startCodeServer(tools, { name: 'e2e', dirs: freshDirs(process.env.OPENEMR_E2E_EXTENSIONS_DIR) });
  const browser = await launchChromium(tools.chromium);
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  // Tests run under tsx, which wraps named functions in `__name(...)`; functions passed to evaluate() are
  // sent as source text, so every frame (webviews too) needs that helper.
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  // Two cores shared by several test runs can take longer than 30 s to serve the workbench's first load.
  await page.goto(server.url(), { timeout: 180_000, waitUntil: 'domcontentloaded' });
  await workbenchLoaded(page);
  return { server, browser, page };
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(180_000);
    workbench = await startWorkbench();
  },
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    if (workbench && test?.state === 'failed') {
      const file = await screenshot(`failed-${test.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot of the failure: ${path.relative(process.cwd(), file)}`);
    }
  },
  async afterAll(): Promise<void> {
    const current = workbench;
    workbench = undefined;
    await current?.browser.close().catch(() => undefined);
    await current?.server.stop();
  },
};
