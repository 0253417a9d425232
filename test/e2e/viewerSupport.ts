// What the UI tests of the viewer share: opening a saved response in the viewer the way a user can.
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { page, quickInput, runCommand, waitFor, webviewFrame } from './fixture';

/** Opens a saved response the way a user can: open the .json file, then "OpenEMR: Open in JSON Viewer". */
export async function openInViewer(file: string): Promise<FrameLocator> {
  await runCommand('View: Close All Editors');
  await runCommand('File: Open File...');
  // The simple file dialog lists the folder while it reads the typed path: wait for it before OK.
  // It also pre-fills the workspace path once ready: type only after that, and check the text stuck.
  const input = quickInput().locator('input');
  await waitFor(async () => (await input.inputValue()).startsWith('/'), 15_000, 'the Open File dialog');
  await waitFor(
    async () => {
      if ((await input.inputValue()) !== file) await input.fill(file);
      await quickInput()
        .locator('.monaco-list-row', { hasText: path.basename(file) })
        .first()
        .waitFor({ timeout: 2_000 });
      return (await input.inputValue()) === file;
    },
    15_000,
    `the dialog to show ${file}`,
  );
  await quickInput().locator('.monaco-button', { hasText: 'OK' }).click();
  await page()
    .locator('.tab.active', { hasText: path.basename(file) })
    .waitFor();
  // The extension host learns about the new active editor a moment after the tab shows: on a busy
  // machine the first try can still see no editor (a modal error), so try again after dismissing it.
  const frame = webviewFrame();
  await waitFor(
    async () => {
      await runCommand('OpenEMR: Open in JSON Viewer');
      const opened = await frame
        .locator('.vlist.tree .vrow')
        .first()
        .waitFor({ timeout: 15_000 })
        .then(
          () => true,
          () => false,
        );
      if (!opened)
        await page()
          .locator('.monaco-dialog-box .monaco-button', { hasText: 'OK' })
          .click({ timeout: 2_000 })
          .catch(() => undefined);
      return opened;
    },
    60_000,
    `the viewer for ${path.basename(file)}`,
  );
  return frame;
}
