import * as assert from 'node:assert/strict';
import { openActivity, page, runCommand, screenshot, viewPane, waitFor } from './fixture';

describe('foundation (UI)', () => {
  it('the OpenEMR activity-bar item opens the Servers view with its welcome text', async () => {
    await openActivity('OpenEMR');
    const servers = viewPane('Servers');
    const welcome = servers.locator('.welcome-view-content');
    await welcome.waitFor();
    const text = await welcome.innerText();
    assert.match(text, /No OpenEMR server yet\./);
    assert.match(text, /Add Server/);
    await screenshot('foundation-servers-welcome');
  });

  it('"OpenEMR: Show Log" shows the OpenEMR output channel', async () => {
    await runCommand('OpenEMR: Show Log');
    const panel = page().locator('.part.panel');
    await panel.waitFor({ state: 'visible' });
    const switcher = panel.locator('select[aria-label="Switch Output"]').first();
    const selected = await waitFor(
      async () => {
        const text = await switcher.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text);
        return text === 'OpenEMR' && text;
      },
      15_000,
      'the Output panel to show the OpenEMR channel',
    );
    assert.equal(selected, 'OpenEMR');
    const lines = panel.locator('.view-lines', { hasText: 'OpenEMR API' });
    await lines.waitFor();
    // The editor renders spaces as non-breaking spaces, hence \s.
    assert.match(await lines.innerText(), /OpenEMR\sAPI\s\d+\.\d+\.\d+\sactivated/);
    await screenshot('foundation-show-log');
  });
});
