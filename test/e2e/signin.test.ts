// Sign-in through the UI: the getting-started walkthrough, then add a server, register a client through
// the scope picker, see the "disabled" message, have it enabled, "Check again", sign in with a password
// and open the account menu from the status bar. Screenshots of each stage go to .test-output/screenshots.
import * as assert from 'node:assert/strict';
import { answerInput, notification, page, pickItem, quickInput, runCommand, screenshot, simUrl, waitFor } from './fixture';

const SERVER = 'Sign-in E2E';
const CLIENT = 'sign-in e2e client';

/** The server picker appears only when other UI tests left servers behind. */
async function chooseServerIfAsked(): Promise<void> {
  const row = quickInput().locator('.monaco-list-row', { hasText: SERVER }).first();
  const shown = await row.waitFor({ timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (shown) await row.click();
}

/** Enables the client the way an administrator does: the Enable button of the API Clients page. */
async function enableOnAdminPage(): Promise<void> {
  const clients = (await (await fetch(`${simUrl()}/__sim/clients`)).json()) as Array<{
    client_id: string;
    client_name: string | null;
    enabled: boolean;
  }>;
  const mine = clients.find((c) => c.client_name === CLIENT);
  assert.ok(mine, 'the client is registered on the server');
  assert.equal(mine.enabled, false, 'a confidential client with user/ scopes starts disabled');
  const form = new URLSearchParams({ client_id: mine.client_id, action: 'enable' });
  const res = await fetch(`${simUrl()}/interface/smart/admin-client.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  assert.equal(res.status, 200);
}

/** Clicks a button of the notification toast that contains `text`. */
async function clickToastButton(text: RegExp, button: string): Promise<void> {
  const toast = notification(text).first();
  await toast.waitFor();
  await toast.locator('.monaco-button', { hasText: button }).first().click();
}

describe('sign-in (UI)', function () {
  this.timeout(300_000);

  after(async () => {
    await page().keyboard.press('Escape');
    await runCommand('OpenEMR: Remove Server');
    await chooseServerIfAsked();
    const confirm = page().locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove' }).first();
    if (
      await confirm.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      )
    )
      await confirm.click();
  });

  it('the walkthrough lists the six set-up steps, each with its button', async () => {
    await runCommand('Welcome: Open Walkthrough...');
    await pickItem('Get started with the OpenEMR API');
    const steps = page().locator('.gettingStartedContainer .getting-started-step');
    await waitFor(async () => (await steps.count()) === 6, 20_000, 'six walkthrough steps');
    const titles = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, [
      'Switch the APIs on',
      'Add your server',
      'Register a client',
      'Have it enabled',
      'Sign in',
      'Browse your first patient',
    ]);
    await screenshot('signin-walkthrough');
    await page().keyboard.press('Escape');
  });

  it('adds a server, registers a client, has it enabled and signs in, all through prompts', async () => {
    await runCommand('OpenEMR: Add Server');
    await answerInput(simUrl());
    await answerInput('default');
    await answerInput(SERVER);
    await notification(new RegExp(`${SERVER} added`)).waitFor();
    await screenshot('signin-server-added');

    await runCommand('OpenEMR: Register Client');
    await chooseServerIfAsked();
    await pickItem('Confidential (private)');
    await pickItem('Read only');
    await answerInput(CLIENT);
    await notification(/is registered on .* but disabled/).waitFor();
    await screenshot('signin-client-disabled');

    await enableOnAdminPage();
    await clickToastButton(/but disabled/, 'Check again');
    await clickToastButton(/is enabled on/, 'Sign In');
    await pickItem('Username and password');
    await answerInput('admin');
    await answerInput('pass');
    await notification(new RegExp(`Signed in: admin@${SERVER}`)).waitFor();
    const status = page()
      .locator('.statusbar-item', { hasText: `OpenEMR: admin@${SERVER}` })
      .first();
    await status.waitFor();
    assert.match(await status.innerText(), /\d+ min|\d+ h/);
    await screenshot('signin-signed-in');

    await status.click();
    await quickInput().locator('.monaco-list-row', { hasText: 'Show Token' }).first().waitFor();
    await screenshot('signin-account-menu');
    await page().keyboard.press('Escape');
  });
});
