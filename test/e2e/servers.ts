// The Servers tree through the UI, shared by the e2e files: add a server and sign in with the commands' own
// prompts, expand rows, and remove the server again so later files find the view as they expect it.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import {
  answerInput,
  notification,
  openActivity,
  page,
  pickItem,
  quickInput,
  runCommand,
  simUrl,
  viewPane,
  waitFor,
} from './fixture';

/** The first row of the Servers tree containing `text`. */
export function serverTreeRow(text: string | RegExp): Locator {
  return viewPane('Servers').locator('.monaco-list-row', { hasText: text }).first();
}

/** Picks `label` when a quick pick offers it (the server picker only appears when several servers exist). */
export async function pickIfAsked(label: string): Promise<void> {
  const item = quickInput().locator('.monaco-list-row', { hasText: label }).first();
  if (
    await item.waitFor({ timeout: 4_000 }).then(
      () => true,
      () => false,
    )
  )
    await item.click();
}

/** Clicks a tree row, then moves the mouse away: a tooltip left over the row would cover the rows below it. */
async function clickRow(row: Locator): Promise<void> {
  await row.click();
  await page().mouse.move(900, 700);
}

/** The first child of an expanded row: the row right below it, one level deeper. */
export async function firstChildRow(row: Locator): Promise<Locator> {
  const index = Number(await row.getAttribute('data-index'));
  const level = Number(await row.getAttribute('aria-level'));
  return viewPane('Servers').locator(`.monaco-list-row[data-index="${index + 1}"][aria-level="${level + 1}"]`);
}

/**
 * Expands a tree row (a click toggles it) and waits for its first child; with `counted`, a list's count is
 * awaited first (the explorer's own test expands rows without it, to prove they survive the redraw).
 */
export async function expandRow(text: string | RegExp, options: { counted?: boolean } = {}): Promise<void> {
  const target = serverTreeRow(text);
  await target.waitFor();
  if ((await target.getAttribute('aria-expanded')) !== 'true') await clickRow(target);
  await waitFor(async () => (await target.getAttribute('aria-expanded')) === 'true', 15_000, `${String(text)} to expand`);
  if (options.counted) {
    await waitFor(async () => /\d\+?\s*$/.test(await target.innerText()), 30_000, `${String(text)} to show its count`);
    await page().waitForTimeout(500);
  }
  await waitFor(async () => (await (await firstChildRow(target)).count()) > 0, 30_000, `${String(text)} to show its rows`);
}

/** What an OpenEMR administrator does on the API clients page: enables the newest client named `clientName`. */
export async function enableClientAsAdmin(clientName: string, serverUrl = simUrl()): Promise<void> {
  const clients = (await (await fetch(`${serverUrl}/__sim/clients`)).json()) as Array<{
    client_id: string;
    client_name: string | null;
  }>;
  const mine = clients.filter((c) => c.client_name === clientName).at(-1);
  assert.ok(mine, 'the client was registered');
  const res = await fetch(`${serverUrl}/__sim/clients/${encodeURIComponent(mine.client_id)}/enable`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 200);
}

/**
 * Adds the simulator as `serverName`, registers a confidential client (the *Read only* preset unless told
 * otherwise) and signs in as admin with the password grant, all through the palette and its prompts;
 * resolves once the row says "signed in".
 */
export async function addServerAndSignIn(
  serverName: string,
  clientName: string,
  preset = 'Read only',
  serverUrl = simUrl(),
): Promise<void> {
  await runCommand('OpenEMR: Add Server');
  await answerInput(serverUrl);
  await answerInput('default');
  await answerInput(serverName);
  // Add Server stores the profile and probes the server after the last prompt: wait for its row.
  await openActivity('OpenEMR');
  await collapseServers();
  await serverTreeRow(serverName).waitFor({ timeout: 30_000 });

  await runCommand('OpenEMR: Register Client');
  await pickIfAsked(serverName);
  await pickItem('Confidential (private)');
  await pickItem(preset);
  await answerInput(clientName);
  // The command stores the client, checks whether it is enabled and says so: only then is it ready.
  await notification(/Check again|is enabled/)
    .first()
    .waitFor({ timeout: 30_000 });
  await enableClientAsAdmin(clientName, serverUrl);
  await signInWithPassword(serverName);
}

/** Signs in to `serverName` as admin with the password grant, through the palette; resolves on "signed in". */
export async function signInWithPassword(serverName: string): Promise<void> {
  await runCommand('OpenEMR: Sign In');
  await pickIfAsked(serverName);
  await pickItem('Username and password');
  await answerInput('admin');
  await answerInput('pass');
  await waitFor(
    async () =>
      /signed in/.test(
        await serverTreeRow(serverName)
          .innerText()
          .catch(() => ''),
      ),
    30_000,
    `${serverName} to show "signed in"`,
  );
}

/**
 * Collapses every row of the Servers tree (its title's Collapse All): servers an earlier test left expanded
 * would push a new server's row below the fold, where the tree does not draw it.
 */
export async function collapseServers(): Promise<void> {
  const pane = viewPane('Servers');
  await pane.locator('.pane-header').hover();
  await pane
    .locator('.pane-header .action-label[aria-label*="Collapse All"]')
    .first()
    .click({ timeout: 5_000 })
    .catch(() => undefined);
}

/** Best effort: removes the server, so later UI tests start from the welcome view. */
export async function removeServerThroughUi(serverName: string): Promise<void> {
  // A dialog left open by a failed test blocks the palette: dismiss it first.
  const dialog = page().locator('.monaco-dialog-box');
  if (await dialog.isVisible().catch(() => false))
    await dialog
      .locator('.monaco-button', { hasText: /^(Cancel|Don't Save)$/ })
      .first()
      .click()
      .catch(() => undefined);
  await page().keyboard.press('Escape');
  await runCommand('OpenEMR: Remove Server');
  await pickIfAsked(serverName);
  const confirm = page().locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove' }).first();
  if (
    await confirm.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  )
    await confirm.click();
}
