// The first five minutes of a new user, counted: a fresh VS Code profile started the way `npm start` starts
// it (a server profile for the simulator seeded, no test driver), from the OpenEMR view to the patient
// list, through the UI only: tree rows, notification buttons, quick picks, the simulator's API Clients page
// and sign-in page in the browser. Every click, typed answer and switch between the browser tab and VS Code
// counts as one interaction; every error notification met on the way counts as a dead end.
import * as assert from 'node:assert/strict';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { freshDirs, linkExtension, startCodeServer, type CodeServer } from '../harness/code-server';
import { freePort } from '../harness/processes';
import path from 'node:path';
import { hostTools, outputDir, repoRoot } from '../harness/tools';
import {
  answerInput,
  notification,
  openActivity,
  pickItem,
  screenshot,
  simUrl,
  useWorkbenchPage,
  viewPane,
  waitFor,
} from './fixture';

const GOAL = 10;

/** Counts what the user does and the error notifications met. */
class Walk {
  interactions = 0;
  readonly steps: string[] = [];
  private readonly errors = new Set<string>();

  constructor(private readonly workbench: Page) {}

  get deadEnds(): number {
    return this.errors.size;
  }

  async act(what: string, run: () => Promise<void>): Promise<void> {
    this.interactions++;
    this.steps.push(what);
    await run();
    await this.noteErrors();
  }

  /** Error notifications showing now (a warning with its fix as a button is a step, not a dead end). */
  async noteErrors(): Promise<void> {
    const toasts = this.workbench.locator('.notifications-toasts .notification-toast', {
      has: this.workbench.locator('.codicon-error'),
    });
    for (const text of await toasts.allInnerTexts()) this.errors.add(text.split('\n')[0]!);
  }

  report(name: string): string {
    const line = `first five minutes: ${this.interactions} interactions, ${this.deadEnds} dead ends`;
    console.log(`      ${line} (${name})`);
    for (const [i, step] of this.steps.entries()) console.log(`        ${i + 1}. ${step}`);
    for (const error of this.errors) console.log(`        dead end: ${error}`);
    return line;
  }
}

interface Fresh {
  server: CodeServer;
  context: BrowserContext;
  workbench: Page;
  close(): Promise<void>;
}

/**
 * A fresh profile as `npm start` makes it: the extension linked into code-server's extensions folder from
 * this checkout (whose dist/ the e2e run has just built), no test driver, the simulator seeded as a server.
 */
async function freshWorkbench(): Promise<Fresh> {
  const tools = await hostTools();
  const dirs = freshDirs();
  linkExtension(dirs, repoRoot);
  const server = await startCodeServer(tools, {
    name: 'first-five-minutes',
    dirs,
    env: { OPENEMR_SEED_SERVER: simUrl(), OPENEMR_SEED_REDIRECT_PORT: String(await freePort()) },
  });
  const browser = await launchChromium(tools.chromium);
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  const workbench = await context.newPage();
  workbench.setDefaultTimeout(30_000);
  await workbench.goto(server.url(), { timeout: 120_000, waitUntil: 'domcontentloaded' });
  await workbench.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await workbench.locator('.activitybar [aria-label^="OpenEMR"]').first().waitFor({ timeout: 90_000 });
  useWorkbenchPage(workbench);
  return {
    server,
    context,
    workbench,
    async close() {
      useWorkbenchPage(undefined);
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** A browser tab's screenshot, next to the workbench ones. */
async function tabScreenshot(tab: Page, name: string): Promise<void> {
  await tab.screenshot({ path: path.join(outputDir('screenshots'), `${name}.png`) });
}

function treeRow(text: string | RegExp): Locator {
  return viewPane('Servers').locator('.monaco-list-row', { hasText: text }).first();
}

function toastButton(text: RegExp, button: string): Locator {
  return notification(text).locator('.monaco-button', { hasText: button }).first();
}

/** Clicks, in VS Code, a button that opens a browser tab, and returns that tab once loaded. */
async function opensTab(fresh: Fresh, click: () => Promise<void>): Promise<Page> {
  const tab = fresh.context.waitForEvent('page', { timeout: 30_000 });
  await click();
  const page = await tab;
  await page.waitForLoadState('domcontentloaded');
  return page;
}

/** Steps 1-5, the same for both sign-ins: Sign In, register, the admin enables the client, back to VS Code. */
async function registerAndEnable(walk: Walk, fresh: Fresh, name: string): Promise<void> {
  await openActivity('OpenEMR');
  await treeRow('Sign in to browse this server').waitFor({ timeout: 60_000 });
  await screenshot(`first-five-minutes-${name}-1-start`);
  await walk.act('click "Sign in to browse this server"', () => treeRow('Sign in to browse this server').click());
  await notification(/Register a client now\?/).waitFor();
  await screenshot(`first-five-minutes-${name}-2-register`);
  await walk.act('notification: Register Client', () => toastButton(/Register a client now\?/, 'Register Client').click());
  const awaiting = notification(/awaits an administrator/);
  await awaiting.waitFor({ timeout: 30_000 });
  const clientId = /Client (\S+) is registered/.exec(await awaiting.innerText())?.[1];
  assert.ok(clientId, 'the notification names the client');
  await waitFor(async () => /awaiting approval/.test(await treeRow('OpenEMR simulator').innerText()), 10_000, 'the row state');
  await screenshot(`first-five-minutes-${name}-3-awaiting`);
  let admin: Page | undefined;
  await walk.act('notification: Open API Clients page', async () => {
    admin = await opensTab(fresh, () => toastButton(/awaits an administrator/, 'Open API Clients page').click());
  });
  const row = admin!.locator('tr', { hasText: clientId });
  await walk.act('API Clients page (browser): Enable', () => row.locator('button', { hasText: 'Enable' }).click());
  await row.locator('td', { hasText: 'Enabled' }).waitFor();
  await tabScreenshot(admin!, `first-five-minutes-${name}-4-admin`);
  // The notification with "Check again" is still there, and nobody needs it: the window notices the enable.
  assert.ok(await notification(/awaits an administrator/).count(), 'the notification with "Check again" stays');
  await walk.act('switch back to the VS Code tab', () => fresh.workbench.bringToFront());
}

async function signedInWithPatients(walk: Walk, name: string): Promise<void> {
  await waitFor(async () => /signed in as admin/.test(await treeRow('OpenEMR simulator').innerText()), 60_000, 'signed in');
  await waitFor(async () => /\d\+?\s*$/.test(await treeRow(/^Patients/).innerText()), 60_000, 'the patient list');
  const rows = await viewPane('Servers').locator('.monaco-list-row[aria-level="3"]').count();
  assert.ok(rows > 0, 'patients are listed');
  await walk.noteErrors();
  await screenshot(`first-five-minutes-${name}-6-patients`);
}

describe('first five minutes (UI)', function () {
  this.timeout(420_000);
  let fresh: Fresh | undefined;

  afterEach(async () => {
    await fresh?.close();
    fresh = undefined;
  });

  it('first five minutes: password sign-in from a fresh profile to the patient list', async () => {
    fresh = await freshWorkbench();
    const walk = new Walk(fresh.workbench);
    await registerAndEnable(walk, fresh, 'password');
    // The sign-in the user asked for goes on by itself once the client is enabled.
    await pickItemCounted(walk, 'Username and password (password grant)');
    await screenshot('first-five-minutes-password-5-sign-in');
    await walk.act('type the username', () => answerInput('admin'));
    await walk.act('type the password', () => answerInput('pass'));
    await signedInWithPatients(walk, 'password');
    walk.report('password sign-in');
    assert.equal(walk.deadEnds, 0, 'no dead end');
    assert.ok(walk.interactions <= GOAL, `at most ${GOAL} interactions (took ${walk.interactions})`);
  });

  it('first five minutes: browser sign-in from a fresh profile to the patient list', async () => {
    fresh = await freshWorkbench();
    const current = fresh;
    const walk = new Walk(current.workbench);
    await registerAndEnable(walk, current, 'browser');
    let signIn: Page | undefined;
    await walk.act('pick "Browser sign-in"', async () => {
      signIn = await opensTab(current, () => pickItem('Browser sign-in (authorization code)'));
    });
    const tab = signIn!;
    await walk.act('sign-in page (browser): type the username', () => tab.locator('input[name="username"]').fill('admin'));
    await walk.act('sign-in page (browser): type the password, Enter', async () => {
      await tab.locator('input[type="password"]').fill('pass');
      await tab.keyboard.press('Enter');
    });
    // Then the server's consent (and, where the flow has one, patient selection) pages, one click each.
    for (let page = 0; page < 3 && !(await tab.getByText(/^Signed in$|Sign-in failed/).count()); page++) {
      const button = tab.locator('button[type="submit"]', { hasText: /Authorize|Allow|Continue|Select|Confirm/ }).first();
      await button.waitFor({ timeout: 30_000 });
      await walk.act(`sign-in page (browser): ${(await button.innerText()).trim()}`, () => button.click());
      await tab.waitForLoadState('domcontentloaded');
    }
    await tab.getByRole('heading', { name: 'Signed in' }).waitFor({ timeout: 30_000 });
    await tabScreenshot(tab, 'first-five-minutes-browser-5-callback');
    await walk.act('switch back to the VS Code tab', () => current.workbench.bringToFront());
    await signedInWithPatients(walk, 'browser');
    walk.report('browser sign-in');
    assert.equal(walk.deadEnds, 0, 'no dead end');
    assert.ok(walk.interactions <= GOAL, `at most ${GOAL} interactions (took ${walk.interactions})`);
  });
});

async function pickItemCounted(walk: Walk, label: string): Promise<void> {
  await walk.act(`pick "${label}"`, () => pickItem(label));
}
