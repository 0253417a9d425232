import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, contributedCommands, executeCommand, waitFor, EXTENSION_ID } from './helpers';

interface Manifest {
  activationEvents?: string[];
  contributes: { viewsWelcome?: Array<{ view: string; contents: string }> };
}

describe('foundation', () => {
  it('activates in the real extension host', async () => {
    const extension = await activateExtension();
    assert.equal(extension.id, EXTENSION_ID);
    assert.equal(extension.isActive, true);
  });

  it('registers every command the manifest contributes', async () => {
    const extension = await activateExtension();
    const declared = contributedCommands(extension);
    assert.ok(declared.includes('openemr.showLog'), 'the manifest declares openemr.showLog');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('activates only on its own contributions', async () => {
    const manifest = (await activateExtension()).packageJSON as Manifest;
    const events = manifest.activationEvents ?? [];
    assert.ok(!events.includes('*'), 'no "*" activation');
    assert.ok(!events.includes('onStartupFinished'), 'no onStartupFinished activation');
  });

  it('contributes a welcome view for the empty Servers tree', async () => {
    const manifest = (await activateExtension()).packageJSON as Manifest;
    const welcome = manifest.contributes.viewsWelcome?.find((w) => w.view === 'openemr.explorer');
    assert.ok(welcome, 'a viewsWelcome entry for openemr.explorer');
    assert.match(welcome.contents, /command:openemr\.showLog/);
  });

  it('"OpenEMR: Show Log" reveals the LogOutputChannel named OpenEMR', async () => {
    await activateExtension();
    const result = await executeCommand<{ shown: boolean; channel: string }>('openemr.showLog');
    assert.deepEqual(result, { shown: true, channel: 'OpenEMR' });
    // A revealed output channel is backed by a text document of scheme "output" named after the channel.
    const document = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('OpenEMR')),
      10_000,
      'the OpenEMR output document',
    );
    assert.equal(document.languageId, 'log');
    await waitFor(() => /OpenEMR API \d+\.\d+\.\d+ activated/.test(document.getText()), 10_000, 'the activation line in the log');
  });
});
